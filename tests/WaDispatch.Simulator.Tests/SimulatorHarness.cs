using Microsoft.Extensions.Time.Testing;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Testing;

namespace WaDispatch.Simulator.Tests;

/// <summary>The simulator on real Kestrel with a manual clock, a webhook receiver, and a client for both APIs.</summary>
public sealed class SimulatorHarness : IAsyncDisposable
{
    public const string Number = "106540352242922";

    private readonly KestrelApp _app;
    private readonly HttpClient _http;

    private SimulatorHarness(KestrelApp app, WebhookReceiver? receiver, FakeTimeProvider time)
    {
        _app = app;
        Receiver = receiver;
        Time = time;
        _http = new HttpClient { BaseAddress = app.Address };
    }

    public FakeTimeProvider Time { get; }

    public WebhookReceiver? Receiver { get; }

    public CloudApiSimulator Simulator => _app.Services.GetRequiredService<CloudApiSimulator>();

    public static async Task<SimulatorHarness> StartAsync(Action<SimulatorOptions>? configure = null, bool webhooks = false)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var receiver = webhooks ? await WebhookReceiver.StartAsync() : null;
        var app = await SimulatorServer.StartAsync(
            o =>
            {
                o.WebhookUrl = receiver?.Url;
                configure?.Invoke(o);
            },
            time);
        return new SimulatorHarness(app, receiver, time);
    }

    /// <summary>Sends a template (or a text when <paramref name="text"/>) and returns the HTTP status and error code (0 when accepted).</summary>
    public async Task<(int Status, int Code)> SendAsync(string to, bool text = false, string template = "promo", string token = "simulator-token", string version = "v21.0")
    {
        var body = text
            ? $$$"""{"messaging_product":"whatsapp","to":"{{{to}}}","type":"text","text":{"body":"hello"}}"""
            : $$$"""{"messaging_product":"whatsapp","to":"{{{to}}}","type":"template","template":{"name":"{{{template}}}","language":{"code":"en_US"}},"biz_opaque_callback_data":"cb-{{{to}}}"}""";
        return await PostAsync($"{version}/{Number}/messages", body, token);
    }

    public async Task<(int Status, int Code)> PostAsync(string path, string body, string? token = "simulator-token")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request);
        return ((int)response.StatusCode, await CodeOfAsync(response));
    }

    public async Task<(int Status, int Code, string Details)> ControlAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, "_sim/" + path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var error = text.StartsWith("{\"error\"", StringComparison.Ordinal) ? JsonSerializer.Deserialize(text, CloudApiJsonContext.Wire.CloudApiErrorResponse)!.Error : null;
        return ((int)response.StatusCode, error?.Code ?? 0, error?.Details ?? text);
    }

    public Task SetMessagesPerSecondAsync(int mps) => ControlAsync(HttpMethod.Put, $"phone-numbers/{Number}", $$"""{"messages_per_second":{{mps}}}""");

    public Task InboundAsync(string from, long? timestamp = null) =>
        ControlAsync(HttpMethod.Post, "inbound", timestamp is null
            ? $$"""{"phone_number_id":"{{Number}}","from":"{{from}}"}"""
            : $$"""{"phone_number_id":"{{Number}}","from":"{{from}}","timestamp":{{timestamp}}}""");

    public async Task<PhoneNumberStats> StatsAsync() =>
        (await _http.GetFromJsonAsync($"_sim/phone-numbers/{Number}/stats", SimulatorJsonContext.Default.PhoneNumberStats))!;

    public async Task<IReadOnlyList<LedgerEntry>> LedgerAsync() =>
        (await _http.GetFromJsonAsync($"_sim/ledger?phone_number_id={Number}", SimulatorJsonContext.Default.IReadOnlyListLedgerEntry))!;

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
    }

    private static async Task<int> CodeOfAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return 0;
        }

        var body = await response.Content.ReadAsByteArrayAsync();
        return JsonSerializer.Deserialize(body, CloudApiJsonContext.Wire.CloudApiErrorResponse)?.Error?.Code ?? -1;
    }
}
