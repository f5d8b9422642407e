using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace WaDispatch.Silo.Tests;

/// <summary>Certificate authorities and certificates made at test time (ECDSA P-256), written as PEM files to a folder of their own.</summary>
internal sealed class TestCertificates : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <summary>Creates the folder.</summary>
    public TestCertificates() => Directory.CreateDirectory(Folder);

    /// <summary>Where the PEM files go.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "wadispatch-tests", "certs-" + Guid.NewGuid().ToString("N"));

    /// <summary>A self-signed certificate authority valid from a month ago for a year.</summary>
    public static X509Certificate2 Authority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(1));
    }

    /// <summary>A certificate for <paramref name="commonName"/> issued by <paramref name="authority"/>, for a server (localhost, 127.0.0.1) or a client.</summary>
    public static X509Certificate2 Issue(X509Certificate2 authority, string commonName, bool server, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([server ? ServerAuthentication : ClientAuthentication], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(authority, notBefore ?? DateTimeOffset.UtcNow.AddDays(-1), notAfter ?? DateTimeOffset.UtcNow.AddDays(30), RandomNumberGenerator.GetBytes(16));
        using var withKey = issued.CopyWithPrivateKey(key);

        // Through PKCS#12, so the private key is one TLS can use on any platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Writes <paramref name="certificates"/> to one PEM file; answers its path.</summary>
    public string WriteCertificates(string name, params X509Certificate2[] certificates)
    {
        var path = Path.Combine(Folder, name + ".pem");
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    /// <summary>Writes <paramref name="certificate"/>'s private key (PKCS#8 PEM); answers its path.</summary>
    public string WriteKey(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(Folder, name + ".key");
        using var key = certificate.GetECDsaPrivateKey()!;
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open: the temp folder's cleanup takes it.
        }
    }
}
