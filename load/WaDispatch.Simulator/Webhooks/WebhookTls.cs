using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace WaDispatch.Simulator.Webhooks;

/// <summary>
/// The TLS side of the simulator's calls to the receiver: the client certificate Meta presents when mutual TLS is on
/// (<see cref="SimulatorOptions.WebhookClientCertificatePath"/>), and extra CAs to trust for the receiver's server
/// certificate (<see cref="SimulatorOptions.WebhookServerTrustPath"/>).
/// </summary>
internal static class WebhookTls
{
    /// <summary>A handler for webhook deliveries and verifications under <paramref name="options"/>.</summary>
    public static SocketsHttpHandler Handler(SimulatorOptions options)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) };
        if (options.WebhookClientCertificatePath is { Length: > 0 } certificate)
        {
            var client = X509CertificateLoader.LoadPkcs12(X509Certificate2.CreateFromPemFile(certificate, options.WebhookClientKeyPath).Export(X509ContentType.Pkcs12), null);
            handler.SslOptions.ClientCertificates = [client];

            // Presented whatever issuers the receiver names, as Meta does.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => client;
        }

        if (options.WebhookServerTrustPath is { Length: > 0 } trust)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(trust);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, server, _, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                {
                    return true;
                }

                if (server is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                {
                    // No certificate, or one for another name: no extra CA makes that right.
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(server));
            };
        }

        return handler;
    }
}
