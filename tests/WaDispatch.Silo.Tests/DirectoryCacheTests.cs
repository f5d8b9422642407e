using System.Globalization;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Sending to many users leaves the silo with no more cached grain addresses than <c>Recipients:DirectoryCacheSize</c>:
/// Orleans keeps a recipient's address after its grain is collected, one per user sent to, and its own limit is
/// 1,000,000 (a 1,000,000-message backlog kept 596,101 of them, about 250 bytes each). Read from the silo's
/// <c>/metrics</c> (<c>orleans_directory_cache_size</c>); the silo runs in a process of its own, so that no other
/// test's silo shares the gauge.
/// </summary>
public sealed partial class DirectoryCacheTests : IAsyncLifetime
{
    private const string Number = "106540352242923";
    private const int CacheSize = 1_000;
    private SimulatedSilo _rig = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Client => _rig.Client;

    public async ValueTask InitializeAsync() =>
        _rig = await SimulatedSilo.StartAsync("cache-secret", null, "--Budgets:DefaultTier", "TIER_UNLIMITED", "--Recipients:DirectoryCacheSize", CacheSize.ToString(CultureInfo.InvariantCulture));

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    [Fact]
    public async Task SendingToMoreUsersThanTheDirectoryCacheHolds_KeepsNoMoreAddressesThanItsSize()
    {
        const int users = 2_000;
        (await Client.PutAsJsonAsync($"v1/phone-numbers/{Number}", new { throughput_mps = 1000 }, Ct)).EnsureSuccessStatusCode();
        var template = new { name = "hello_world", language = new { code = "en_US" } };
        foreach (var batch in Enumerable.Range(0, users).Chunk(500))
        {
            var messages = batch.Select(i => new { phone_number_id = Number, message = new { messaging_product = "whatsapp", to = $"1650558{i:D4}", type = "template", template } });
            (await Client.PostAsJsonAsync("v1/messages/batch", new { messages }, Ct)).EnsureSuccessStatusCode();
        }

        var meta = _rig.Simulator.Services.GetRequiredService<CloudApiSimulator>();
        await Eventually.UntilAsync(() => meta.Ledger(Number).Count >= users, TimeSpan.FromSeconds(60));

        var text = await Client.GetStringAsync(new Uri("metrics", UriKind.Relative), Ct);
        var line = CacheSizeLine().Match(text);
        Assert.True(line.Success, "the silo's /metrics has no orleans_directory_cache_size");
        Assert.Equal(users, meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());

        // Orleans' LRU may hold a few more than its capacity while adds race (its own soak tests allow one more).
        Assert.InRange(int.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture), 1, CacheSize + 50);
    }

    [GeneratedRegex(@"^orleans_directory_cache_size\{\} (\d+)", RegexOptions.Multiline)]
    private static partial Regex CacheSizeLine();
}
