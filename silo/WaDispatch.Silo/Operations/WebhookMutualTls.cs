using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Silo.Grpc;

namespace WaDispatch.Silo.Operations;

/// <summary>
/// Mutual TLS on the webhook receiver (<c>Webhooks:MutualTls</c>): Kestrel serves the endpoint on the configured port
/// with HTTPS that requires a client certificate, checked in the handshake by <see cref="WebhookClientCertificates"/>; a
/// connection without one, or with one that fails a check, ends there. Kestrel's own client-certificate hook does the
/// work: there is nothing to add but Meta's checks, and the server certificate's chain from its PEM file.
/// </summary>
internal static class WebhookMutualTls
{
    /// <summary>
    /// When <c>Webhooks:MutualTls:Enabled</c>: sets Kestrel to serve mutual TLS on every endpoint of the configured port,
    /// and answers that endpoint's address beside <paramref name="firstUrl"/> (its host, the configured port) to listen
    /// on with the others; null when <c>Kestrel:Endpoints</c> name the endpoints themselves (one of them must be on the
    /// port, as <c>http://</c>: the silo puts TLS on it) or mutual TLS is off. A silo whose endpoints leave the port
    /// out does not start (<see cref="StartupCheck"/>): it would otherwise run deaf to every webhook.
    /// </summary>
    public static string? Configure(WebApplicationBuilder builder, string? firstUrl)
    {
        var options = builder.Configuration.GetSection(WebhookOptions.SectionName + ":" + nameof(WebhookOptions.MutualTls)).Get<MutualTlsOptions>() ?? new MutualTlsOptions();
        if (!options.Enabled || options.Port is < 1 or > 65535)
        {
            // Out-of-range settings are named by the options validation at start-up.
            return null;
        }

        builder.Services.AddHostedService<StartupCheck>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port != options.Port)
            {
                return;
            }

            var certificates = kestrel.ApplicationServices.GetRequiredService<WebhookClientCertificates>();
            certificates.Load();
            var (server, chain) = ServerCertificate(options);
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = server,
                ServerCertificateChain = chain,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (certificate, presented, _) => certificates.Validate(certificate, presented),
                CheckCertificateRevocation = false,
            });
        }));
        return firstUrl is null ? null : "https" + GrpcFrontDoor.UrlBeside(firstUrl, options.Port)["http".Length..];
    }

    /// <summary>
    /// The server certificate with its key, and the intermediates after it in the same file (a full-chain PEM, as ACME
    /// clients write it), sent in the handshake so Meta can build the chain.
    /// </summary>
    private static (X509Certificate2 Server, X509Certificate2Collection Chain) ServerCertificate(MutualTlsOptions options)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath);
            // A PEM key is ephemeral; a PKCS#12 round trip gives SslStream a key it can use on every platform.
            var server = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(options.CertificatePath!);
            chain.RemoveAt(0);
            return (server, chain);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new InvalidOperationException($"Webhooks:MutualTls:CertificatePath names {options.CertificatePath}, which could not be read as a PEM certificate with its key: {ex.Message}", ex);
        }
    }

    /// <summary>Stops the start-up when no endpoint listens on the mutual-TLS port (<c>Kestrel:Endpoints</c> that leave it out).</summary>
    private sealed class StartupCheck(IServer server, WebhookClientCertificates certificates) : IHostedLifecycleService
    {
        public Task StartedAsync(CancellationToken cancellationToken)
        {
            var port = ":" + certificates.Options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            return addresses.Any(a => a.StartsWith("https://", StringComparison.Ordinal) && a.EndsWith(port, StringComparison.Ordinal))
                ? Task.CompletedTask
                : throw new InvalidOperationException(
                    $"Webhooks:MutualTls:Enabled is true, but no endpoint listens on Webhooks:MutualTls:Port {certificates.Options.Port} (it listens on {string.Join(", ", addresses)}). With Kestrel:Endpoints, add one on that port as http://; the silo serves it with mutual TLS.");
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
