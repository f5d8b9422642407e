using Microsoft.Extensions.Time.Testing;
using WaDispatch.CloudApi.Templates;
using WaDispatch.Grains.Templates;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>How syncs and webhooks combine in a catalog, by the times of the read and of the events.</summary>
public sealed class TemplateCatalogGrainTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempSqliteFile _file = new();
    private GrainHost _host = null!;

    private ITemplateCatalogGrain Catalog => _host.Grains.GetGrain<ITemplateCatalogGrain>("waba-1");

    public async ValueTask InitializeAsync() => _host = await GrainHost.StartAsync(o => o.UseSqlite(_file.ConnectionString), new FakeTimeProvider(T0));

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AWebhookNewerThanASyncsRead_SurvivesThatSync()
    {
        await Catalog.ReplaceAsync([Welcome("APPROVED", "UTILITY")], T0);

        // A sync starts reading at T0+10 s; while it reads, Meta pauses the template at T0+12 s.
        await Catalog.ApplyStatusAsync("welcome", "en_US", "PAUSED", T0.AddSeconds(12));
        await Catalog.ReplaceAsync([Welcome("APPROVED", "UTILITY")], T0.AddSeconds(10));

        Assert.Equal("PAUSED", (await Catalog.LookupAsync("welcome", "en_US")).Template!.Status);
    }

    [Fact]
    public async Task AnOlderReadFinishingLater_DoesNotTakeTheCatalogBack()
    {
        await Catalog.ReplaceAsync([Welcome("PAUSED", "UTILITY")], T0.AddSeconds(20));
        await Catalog.ReplaceAsync([Welcome("APPROVED", "UTILITY")], T0.AddSeconds(10));

        var snapshot = await Catalog.GetSnapshotAsync();
        Assert.Equal(("PAUSED", (DateTimeOffset?)T0.AddSeconds(20)), (snapshot.Templates[0].Status, snapshot.SyncedAt));
    }

    [Fact]
    public async Task StatusAndCategory_KeepTheirOwnTimes()
    {
        await Catalog.ReplaceAsync([Welcome("APPROVED", "UTILITY")], T0);

        await Catalog.ApplyCategoryAsync("welcome", "en_US", "MARKETING", T0.AddSeconds(10));
        await Catalog.ApplyStatusAsync("welcome", "en_US", "PAUSED", T0.AddSeconds(9));
        await Catalog.ApplyStatusAsync("welcome", "en_US", "APPROVED", T0.AddSeconds(5));

        var welcome = (await Catalog.LookupAsync("welcome", "en_US")).Template!;
        Assert.Equal(("PAUSED", "MARKETING"), (welcome.Status, welcome.Category));
    }

    [Fact]
    public async Task BeforeAnySync_ALookupSaysSo()
    {
        var lookup = await Catalog.LookupAsync("welcome", "en_US");

        Assert.Equal(new TemplateLookup(null, false), lookup);
    }

    private static MessageTemplate Welcome(string status, string category) => new()
    {
        Id = "1",
        Name = "welcome",
        Language = "en_US",
        Status = status,
        Category = category,
        Components = [new MessageTemplateComponent { Type = "BODY", Text = "Welcome {{1}}." }],
    };
}
