using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDispatch.Grains.Webhooks;

/// <summary>
/// Which client certificates may deliver webhooks over mutual TLS (<c>Webhooks:MutualTls</c>): one whose chain
/// validates against the trust bundle (several CAs allowed, so Meta's old and new webhook CAs stand side by side), valid
/// now, allowed for TLS client authentication, whose subject common name is the configured one. The TLS handshake asks
/// <see cref="Validate"/>; the webhook route then takes a request only when its connection's certificate was accepted
/// there (<see cref="WasAccepted"/>), so an endpoint set up some other way cannot let a certificate through.
/// </summary>
public sealed partial class WebhookClientCertificates
{
    /// <summary>The extended key usage a client certificate must allow when it names any (TLS client authentication).</summary>
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>The common name attribute (2.5.4.3).</summary>
    private const string CommonName = "2.5.4.3";

    /// <summary>Accepted certificates kept at most; Meta presents one or two at a time.</summary>
    private const int MaxAccepted = 1024;

    private readonly Lazy<X509Certificate2Collection> _trustBundle;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _accepted = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates the policy from the settings the silo started with (a change to them needs a restart, as Kestrel's endpoint does).</summary>
    public WebhookClientCertificates(IOptions<WebhookOptions> options, TimeProvider time, ILogger<WebhookClientCertificates> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value.MutualTls;
        _time = time;
        _logger = logger;
        _trustBundle = new(() => LoadTrustBundle(Options.TrustBundlePath!));
    }

    /// <summary>The settings in force.</summary>
    public MutualTlsOptions Options { get; }

    /// <summary>Reads the trust bundle now, so a missing or unreadable one stops the start-up, naming the setting.</summary>
    public void Load() => _ = _trustBundle.Value;

    /// <summary>
    /// The handshake's check: whether <paramref name="certificate"/> (with the chain the client <paramref name="presented"/>)
    /// may deliver webhooks. A refusal is logged with its reason (event 3010).
    /// </summary>
    public bool Validate(X509Certificate2 certificate, X509Chain? presented)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var names = CommonNames(certificate);
        if (!names.Contains(Options.SubjectName, StringComparer.OrdinalIgnoreCase))
        {
            Refused(_logger, certificate.Subject, $"its subject common name is not {Options.SubjectName}");
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustBundle.Value);
        chain.ChainPolicy.ExtraStore.AddRange(_trustBundle.Value);
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
        if (!chain.Build(certificate))
        {
            Refused(_logger, certificate.Subject, string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).DefaultIfEmpty("its chain does not validate")));
            return false;
        }

        if (_accepted.Count >= MaxAccepted)
        {
            // Only certificates that passed every check are kept (Meta presents one or two); past the bound, the expired
            // go first, then those expiring soonest — never all at once, which would refuse requests on open connections.
            var now = _time.GetUtcNow();
            foreach (var stale in _accepted.Where(a => a.Value < now).Select(a => a.Key).ToList())
            {
                _accepted.TryRemove(stale, out _);
            }

            foreach (var oldest in _accepted.OrderBy(a => a.Value).Take(Math.Max(0, _accepted.Count - (MaxAccepted / 2))).Select(a => a.Key).ToList())
            {
                _accepted.TryRemove(oldest, out _);
            }
        }

        _accepted[certificate.Thumbprint] = certificate.NotAfter.ToUniversalTime();
        return true;
    }

    /// <summary>Whether <paramref name="certificate"/> passed <see cref="Validate"/> in a handshake and has not expired since.</summary>
    public bool WasAccepted(X509Certificate2? certificate) =>
        certificate is not null && _accepted.TryGetValue(certificate.Thumbprint, out var notAfter) && _time.GetUtcNow() <= notAfter;

    /// <summary>The subject's common names, read as they are (not the fallbacks <c>GetNameInfo</c> puts in their place).</summary>
    private static List<string> CommonNames(X509Certificate2 certificate) =>
        [.. certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => !rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonName)
            .Select(rdn => rdn.GetSingleElementValue() ?? "")];

    private static X509Certificate2Collection LoadTrustBundle(string path)
    {
        try
        {
            var bundle = new X509Certificate2Collection();
            bundle.ImportFromPemFile(path);
            return bundle.Count > 0 ? bundle : throw new CryptographicException("it holds no certificate");
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"Webhooks:MutualTls:TrustBundlePath names {path}, which could not be read as PEM: {ex.Message}", ex);
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Webhook connection refused: client certificate {Subject} — {Reason}")]
    private static partial void Refused(ILogger logger, string subject, string reason);
}
