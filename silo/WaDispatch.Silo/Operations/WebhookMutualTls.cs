using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using WaDispatch.Grains.Webhooks;

namespace WaDispatch.Silo.Operations;

/// <summary>
/// Mutual TLS on the webhook receiver (<c>Webhooks:MutualTls</c>): an HTTPS endpoint of its own that requires a client
/// certificate chaining to the configured trust bundle (several CAs allowed, so Meta's old and new webhook CAs can
/// stand side by side) with the configured subject name. A connection without one, or with one that fails either check,
/// ends in the TLS handshake; the webhook route answers 403 anywhere else (<see cref="WebhookEndpoints"/>). Kestrel's
/// own client-certificate hook does the work: there is nothing to add but the checks Meta asks for.
/// </summary>
internal sealed partial class WebhookMutualTls
{
    /// <summary>The extended key usage a client certificate must allow when it names any (TLS client authentication).</summary>
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly MutualTlsOptions _options;
    private readonly X509Certificate2 _serverCertificate;
    private readonly X509Certificate2Collection _trustBundle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private WebhookMutualTls(MutualTlsOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        _serverCertificate = Load("CertificatePath", options.CertificatePath!, () => X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath));
        _trustBundle = Load("TrustBundlePath", options.TrustBundlePath!, () =>
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(options.TrustBundlePath!);
            return bundle.Count > 0 ? bundle : throw new CryptographicException("it holds no certificate");
        });
    }

    /// <summary>
    /// When <c>Webhooks:MutualTls:Enabled</c>, the address of the mutual-TLS endpoint beside <paramref name="firstUrl"/> (its
    /// host, the configured port), to listen on with the others; and Kestrel set to require and check client
    /// certificates there.
    /// </summary>
    public static string? Configure(WebApplicationBuilder builder, string? firstUrl)
    {
        var options = builder.Configuration.GetSection(WebhookOptions.SectionName + ":" + nameof(WebhookOptions.MutualTls)).Get<MutualTlsOptions>() ?? new MutualTlsOptions();
        if (!options.Enabled || firstUrl is null || options.Port is < 1 or > 65535)
        {
            // Out-of-range settings are named by the options validation at start-up.
            return null;
        }

        WebhookMutualTls? tls = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port != options.Port)
            {
                return;
            }

            tls ??= new WebhookMutualTls(options, kestrel.ApplicationServices.GetRequiredService<TimeProvider>(), kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger<WebhookMutualTls>());
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(tls.HttpsOptions());
        }));
        var authority = firstUrl[(firstUrl.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        var colon = authority.LastIndexOf(':');
        var host = colon > authority.LastIndexOf(']') ? authority[..colon] : authority;
        return string.Create(CultureInfo.InvariantCulture, $"https://{host}:{options.Port}");
    }

    /// <summary>Whether <paramref name="certificate"/> may deliver webhooks: it chains to the trust bundle, is valid now, and carries the subject name.</summary>
    public bool IsAccepted(X509Certificate2 certificate, X509Chain? presented)
    {
        var subject = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (!string.Equals(subject, _options.SubjectName, StringComparison.OrdinalIgnoreCase))
        {
            Refused(_logger, certificate.Subject, $"its subject is not {_options.SubjectName}");
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustBundle);
        chain.ChainPolicy.ExtraStore.AddRange(_trustBundle);
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        // Revocation is not checked: it would make every webhook wait on the CA's servers. Expiry and the chain are.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _time.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        if (chain.Build(certificate))
        {
            return true;
        }

        Refused(_logger, certificate.Subject, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("its chain does not validate")));
        return false;
    }

    private HttpsConnectionAdapterOptions HttpsOptions() => new()
    {
        ServerCertificate = _serverCertificate,
        ClientCertificateMode = ClientCertificateMode.RequireCertificate,
        ClientCertificateValidation = (certificate, chain, _) => IsAccepted(certificate, chain),
        CheckCertificateRevocation = false,
    };

    private static T Load<T>(string setting, string path, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or ArgumentException)
        {
            throw new InvalidOperationException($"Webhooks:MutualTls:{setting} names {path}, which could not be read as PEM: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Webhook connection refused: client certificate {Subject} — {Reason}")]
    private static partial void Refused(ILogger logger, string subject, string reason);
}
