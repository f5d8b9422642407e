using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// The live console in a real browser (Playwright driving Debian's Chromium) during a small campaign against the
/// simulator: the progress bar moves and ends at the exact counts, and the pause and resume buttons work. It saves a
/// screenshot while it runs and one when it ended (<c>artifacts/console.png</c>, <c>console-done.png</c> beside the test binaries).
/// </summary>
public sealed class ConsoleBrowserTests : IAsyncLifetime
{
    /// <summary>Where Debian's Chromium lives (<c>.ci/run</c> installs it).</summary>
    public const string Chromium = "/usr/bin/chromium";

    private const string Number = "106540352242924";
    private const int Recipients = 100;
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private HttpClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = "console-secret";
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
            o.ReadDelay = TimeSpan.FromMilliseconds(30);
        });
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, ["--Webhooks:AppSecret", "console-secret"]);
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _client = new HttpClient { BaseAddress = KestrelApp.AddressOf(_silo) };
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task TheConsole_ShowsACampaignMoving_PausesAndResumesIt_AndEndsAtTheExactCounts()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: .ci/run installs Debian's chromium package.");

        // Ten a second: the campaign runs long enough to be watched, paused and resumed.
        using (var configured = await _client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 10 }, Ct))
        {
            configured.EnsureSuccessStatusCode();
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 800 } });
        await page.GotoAsync(new Uri(KestrelApp.AddressOf(_silo), "console").AbsoluteUri);

        // The campaign starts once the page is open: its first seconds are watched, however long the browser took.
        using var created = await _client.PostAsJsonAsync("v1/campaigns", new
        {
            phone_number_id = Number,
            category = "UTILITY",
            template = new { name = "hello_world", language = new { code = "en_US" } },
            audience = Enumerable.Range(0, Recipients).Select(i => new { to = $"+1650555{i:D4}" }),
        }, Ct);
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString()!;

        var row = page.Locator($"tr[data-campaign='{id}']");

        // The bar moves: some sent, not all.
        var first = await UntilAsync(() => Count(row, "sent"), sent => sent > 0 && sent < Recipients);
        var later = await UntilAsync(() => Count(row, "sent"), sent => sent > first);
        Directory.CreateDirectory("artifacts");
        await page.ScreenshotAsync(new() { Path = Path.Combine("artifacts", "console.png"), FullPage = true });

        await row.Locator("button[data-action='pause']").ClickAsync();
        await UntilAsync(() => Text(row, "status"), status => status.StartsWith("paused", StringComparison.Ordinal));
        await row.Locator("button[data-action='resume']").ClickAsync();
        await UntilAsync(() => Text(row, "status"), status => status.StartsWith("running", StringComparison.Ordinal) || status.StartsWith("completed", StringComparison.Ordinal));
        await UntilAsync(() => Count(row, "read"), read => read == Recipients, TimeSpan.FromSeconds(90));

        // Every recipient read: the bar is all its read part (measured at the end, when no timing decides what it shows).
        // Found and measured in one script: the page replaces its rows each refresh, and a node found in one call and
        // measured in the next can be a replaced one, detached, with no width.
        var readWidth = await page.EvaluateAsync<double>("id => document.querySelector(`tr[data-campaign='${id}'] [data-part='read']`).getBoundingClientRect().width", id);
        await page.ScreenshotAsync(new() { Path = Path.Combine("artifacts", "console-done.png"), FullPage = true });
        var campaign = await _client.GetFromJsonAsync<JsonElement>($"v1/campaigns/{id}", Ct);

        Assert.True(later > first);
        Assert.True(readWidth > 0);
        Assert.Equal((Recipients, Recipients, Recipients, 0, 0), (await Count(row, "sent"), await Count(row, "delivered"), await Count(row, "read"), await Count(row, "failed"), await Count(row, "skipped")));
        Assert.Equal(Recipients, campaign.GetProperty("counts").GetProperty("read").GetInt64());
        Assert.True(File.Exists(Path.Combine("artifacts", "console.png")) && File.Exists(Path.Combine("artifacts", "console-done.png")));
    }

    private static async Task<int> Count(ILocator row, string field) => int.Parse(await Text(row, field), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<string> Text(ILocator row, string field) => (await row.Locator($"[data-field='{field}']").InnerTextAsync()).Trim();

    private static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        T value = default!;
        await Eventually.UntilAsync(async () => done(value = await read()), timeout ?? TimeSpan.FromSeconds(30), () => $"last {value}");
        return value;
    }
}
