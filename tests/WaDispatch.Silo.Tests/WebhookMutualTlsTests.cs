using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Mutual TLS on the webhook receiver, with certificates made at test time: a trust bundle holding an old and a new CA,
/// and client certificates that pass, or fail one check each (none, expired, another CA, another subject). A refused
/// request processes nothing; the signature check still applies; the simulator delivers over mutual TLS end to end.
/// </summary>
public sealed class WebhookMutualTlsTests : IAsyncLifetime
{
    private const string Waba = "100000000000022";
    private const string Number = WabaSubscriptionTests.Number;
    private const string Secret = WabaSubscriptionTests.Secret;
    private static readonly string MetaSubject = MutualTlsOptions.MetaSubjectName;
    private readonly TempSqliteFile _file = new();
    private readonly TestCertificates _certificates = new();
    private const string VerifyToken = "mtls-verify-token";
    private readonly Dictionary<string, X509Certificate2> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _logs = new();
    private string[] _tlsSettings = null!;
    private X509Certificate2 _newCa = null!;
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private HttpClient _client = null!;
    private Uri _tlsAddress = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        using var oldCa = TestCertificates.Authority("Meta webhooks CA (old)");
        _newCa = TestCertificates.Authority("Meta webhooks CA (new)");
        using var otherCa = TestCertificates.Authority("Someone else's CA");
        using var server = TestCertificates.Issue(_newCa, "localhost", server: true);
        _clients["old-ca"] = TestCertificates.Issue(oldCa, MetaSubject, server: false);
        _clients["new-ca"] = TestCertificates.Issue(_newCa, MetaSubject, server: false);
        _clients["expired"] = TestCertificates.Issue(_newCa, MetaSubject, server: false, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        _clients["other-ca"] = TestCertificates.Issue(otherCa, MetaSubject, server: false);
        _clients["other-subject"] = TestCertificates.Issue(_newCa, "client.example.com", server: false);

        var port = KestrelApp.FreePort();
        _tlsAddress = new Uri(string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{port}/"));
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = Secret;
            o.BusinessAccountId = Waba;
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
            o.ReadDelay = TimeSpan.FromMilliseconds(30);
            o.WebhookClientCertificatePath = _certificates.WriteCertificates("simulator-client", _clients["new-ca"]);
            o.WebhookClientKeyPath = _certificates.WriteKey("simulator-client", _clients["new-ca"]);
            o.WebhookServerTrustPath = _certificates.WriteCertificates("server-ca", _newCa);
        });
        _tlsSettings =
        [
            "--Webhooks:AppSecret", Secret,
            "--Webhooks:VerifyToken", VerifyToken,
            "--Webhooks:MutualTls:Enabled", "true",
            "--Webhooks:MutualTls:Port", port.ToString(CultureInfo.InvariantCulture),
            "--Webhooks:MutualTls:CertificatePath", _certificates.WriteCertificates("server", server),
            "--Webhooks:MutualTls:KeyPath", _certificates.WriteKey("server", server),
            "--Webhooks:MutualTls:TrustBundlePath", _certificates.WriteCertificates("bundle", oldCa, _newCa),
        ];
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, _tlsSettings, builder => builder.Logging.AddProvider(new LogCapture(_logs)));
        _simulator.Services.GetRequiredService<IOptionsMonitor<SimulatorOptions>>().CurrentValue.WebhookUrl = new Uri(_tlsAddress, "webhooks/whatsapp");
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        foreach (var certificate in _clients.Values)
        {
            certificate.Dispose();
        }

        _newCa.Dispose();
        _certificates.Dispose();
        _file.Dispose();
    }

    [Fact]
    public async Task AWebhookWithACertificateFromEitherCaOfTheBundle_IsProcessed()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        var fromOld = await PostOverTlsAsync(_clients["old-ca"], Review(now, "PENDING"));
        var fromNew = await PostOverTlsAsync(_clients["new-ca"], Review(now + 1, "APPROVED"));
        var waba = await WabaAsync();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (fromOld, fromNew));
        Assert.Equal("APPROVED", waba.GetProperty("account").GetProperty("review_decision").GetString());
        Assert.Equal(2, waba.GetProperty("recent_events").GetArrayLength());
    }

    [Theory]
    [InlineData("none", null)]
    [InlineData("expired", "expired")]
    [InlineData("other-ca", "issuer")]
    [InlineData("other-subject", "its subject common name is not client.webhooks.fbcdn.net")]
    public async Task AWebhookWithoutAnAcceptableCertificate_IsRefusedAtTheTlsLayer_AndNothingIsProcessed(string certificate, string? reason)
    {
        var outcome = await PostOverTlsAsync(certificate == "none" ? null : _clients[certificate], Review(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "APPROVED"));

        Assert.Null(outcome);
        Assert.Empty((await WabaAsync()).GetProperty("recent_events").EnumerateArray());
        var refusals = _logs.Where(l => l.Contains("Webhook connection refused", StringComparison.Ordinal)).ToList();
        if (reason is null)
        {
            // No certificate at all: Kestrel ends the handshake before there is anything to check.
            Assert.Empty(refusals);
        }
        else
        {
            Assert.Contains(refusals, l => l.Contains("Webhook connection refused", StringComparison.Ordinal) && l.Contains(reason, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task ACertifiedWebhookWithABadSignature_IsRefused401()
    {
        var outcome = await PostOverTlsAsync(_clients["new-ca"], Review(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "APPROVED"), signature: "sha256=" + new string('0', 64));

        Assert.Equal(HttpStatusCode.Unauthorized, outcome);
        Assert.Empty((await WabaAsync()).GetProperty("recent_events").EnumerateArray());
    }

    [Fact]
    public async Task ThePlainHttpPort_RefusesWebhooks403_EvenSignedOnes()
    {
        var body = Review(DateTimeOffset.UtcNow.ToUnixTimeSeconds(), "APPROVED");
        using var request = Signed(new Uri("webhooks/whatsapp", UriKind.Relative), body, null);

        using var posted = await _client.SendAsync(request, Ct);
        using var verification = await _client.GetAsync(new Uri($"webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444", UriKind.Relative), Ct);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (posted.StatusCode, verification.StatusCode));
        Assert.Contains("mutual TLS", await posted.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("mutual TLS", await verification.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
        Assert.Empty((await WabaAsync()).GetProperty("recent_events").EnumerateArray());
    }

    [Fact]
    public async Task TheSimulator_DeliversStatusWebhooksOverMutualTls()
    {
        using var configured = await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { waba_id = Waba }, Ct);
        configured.EnsureSuccessStatusCode();
        using var sent = await _client.PostAsJsonAsync("v1/messages", new
        {
            phone_number_id = Number,
            message = new { messaging_product = "whatsapp", to = "16505550601", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } },
        }, Ct);
        var id = (await sent.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();

        var status = "";
        await Eventually.UntilAsync(async () => (status = (await _client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct)).GetProperty("status").GetString()) == "read", TimeSpan.FromSeconds(30));

        Assert.Equal("read", status);
    }

    [Fact]
    public async Task TheVerificationHandshake_OverMutualTls_AnswersTheChallenge()
    {
        using var handler = TlsHandler(_clients["new-ca"]);
        using var client = new HttpClient(handler) { BaseAddress = _tlsAddress };

        var challenge = await client.GetStringAsync(new Uri($"webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444", UriKind.Relative), Ct);

        Assert.Equal("1158201444", challenge);
    }

    [Fact]
    public async Task MutualTlsWithoutItsFiles_StopsTheSiloAtStartUp_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, ["--Webhooks:MutualTls:Enabled", "true"]));
        var missing = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, [.. _tlsSettings, "--Webhooks:MutualTls:TrustBundlePath", Path.Combine(_certificates.Folder, "nowhere.pem")]));

        Assert.Contains("Webhooks:MutualTls:CertificatePath is required", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:MutualTls:TrustBundlePath is required", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:MutualTls:TrustBundlePath names", missing.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("TrustBundlePath")]
    [InlineData("CertificatePath")]
    public async Task AFileThatIsNotPem_StopsTheSiloAtStartUp_NamingTheSetting(string setting)
    {
        var garbage = Path.Combine(_certificates.Folder, "garbage-" + setting + ".pem");
        await File.WriteAllTextAsync(garbage, "not a certificate", Ct);

        using var file = new TempSqliteFile();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestSilo.StartAsync(file.ConnectionString, _simulator.Address, [.. _tlsSettings, "--Webhooks:MutualTls:" + setting, garbage, "--Webhooks:MutualTls:Port", KestrelApp.FreePort().ToString(CultureInfo.InvariantCulture)]));

        Assert.Contains($"Webhooks:MutualTls:{setting} names {garbage}, which could not be read", Messages(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithKestrelEndpoints_TheMutualTlsPortMustBeOneOfThem_AndThenItServesWebhooks()
    {
        var port = KestrelApp.FreePort().ToString(CultureInfo.InvariantCulture);
        string[] settings = [.. _tlsSettings, "--Webhooks:MutualTls:Port", port, "--Kestrel:Endpoints:Api:Url", "http://127.0.0.1:0"];

        using var file = new TempSqliteFile();
        var deaf = await Assert.ThrowsAnyAsync<Exception>(() => TestSilo.StartAsync(file.ConnectionString, _simulator.Address, settings));
        await using var silo = await TestSilo.StartAsync(file.ConnectionString, _simulator.Address, [.. settings, "--Kestrel:Endpoints:Webhooks:Url", $"http://127.0.0.1:{port}"]);
        using var handler = TlsHandler(_clients["new-ca"]);
        using var client = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") };
        var challenge = await client.GetStringAsync(new Uri($"webhooks/whatsapp?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=42", UriKind.Relative), Ct);
        await silo.StopAsync(Ct);

        Assert.Contains($"no endpoint listens on Webhooks:MutualTls:Port {port}", Messages(deaf), StringComparison.Ordinal);
        Assert.Equal("42", challenge);
    }

    private static string Messages(Exception exception) =>
        exception is AggregateException aggregate ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Messages))
        : exception.InnerException is { } inner ? exception.Message + " | " + Messages(inner)
        : exception.Message;

    private SocketsHttpHandler TlsHandler(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler();
        if (certificate is not null)
        {
            handler.SslOptions.ClientCertificates = [certificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        handler.SslOptions.RemoteCertificateValidationCallback = (_, server, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_newCa);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return server is not null && chain.Build(new X509Certificate2(server));
        };
        return handler;
    }

    /// <summary>Posts <paramref name="body"/> to the mutual-TLS endpoint with <paramref name="certificate"/>; null when the connection was refused.</summary>
    private async Task<HttpStatusCode?> PostOverTlsAsync(X509Certificate2? certificate, string body, string? signature = null)
    {
        using var handler = TlsHandler(certificate);
        using var client = new HttpClient(handler) { BaseAddress = _tlsAddress };
        using var request = Signed(new Uri("webhooks/whatsapp", UriKind.Relative), body, signature);
        try
        {
            using var response = await client.SendAsync(request, Ct);
            await _silo.Services.GetRequiredService<WebhookProcessor>().DrainAsync();
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static HttpRequestMessage Signed(Uri uri, string body, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(WebhookSignature.HeaderName, signature ?? WebhookSignature.Compute(Encoding.UTF8.GetBytes(body), Secret));
        return request;
    }

    private static string Review(long time, string decision) => JsonSerializer.Serialize(new
    {
        @object = "whatsapp_business_account",
        entry = new[] { new { id = Waba, time, changes = new[] { new { field = "account_review_update", value = new { decision } } } } },
    });

    private async Task<JsonElement> WabaAsync() => await _client.GetFromJsonAsync<JsonElement>($"v1/wabas/{Waba}", Ct);
}
