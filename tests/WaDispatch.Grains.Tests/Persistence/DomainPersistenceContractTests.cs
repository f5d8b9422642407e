using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Simulator;
using WaDispatch.Simulator.State;
using WaDispatch.Storage;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests.Persistence;

/// <summary>What lanes and budgets keep across a restart; runs against every storage vendor.</summary>
public abstract class DomainPersistenceContractTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private StorageOptions _storage = null!;

    protected abstract Task<StorageOptions> CreateStorageAsync();

    protected abstract Task DropAsync();

    public async ValueTask InitializeAsync() => _storage = await CreateStorageAsync();

    public async ValueTask DisposeAsync()
    {
        await DropAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task LaneConfiguration_SurvivesARestart()
    {
        await using (var host = await StartAsync())
        {
            await host.Lane(Number).ConfigureAsync(new LaneConfiguration(350, "biz-7", "+1 555-0100", "campaign-token"));
        }

        await using var restarted = await StartAsync();
        var snapshot = await restarted.Lane(Number).GetSnapshotAsync();

        Assert.Equal((350, false, "biz-7", "+1 555-0100", "campaign-token"), (snapshot.ThroughputMps, snapshot.ThroughputIsDefault, snapshot.BusinessId, snapshot.DisplayPhoneNumber, snapshot.TokenReference));
        Assert.Equal(LaneStatus.Running, snapshot.Status);
    }

    [Fact]
    public async Task ALaneStoppedByTheUpstream_StaysStoppedAcrossARestart_UntilResumed()
    {
        await using var simulator = await SimulatorServer.StartAsync();
        simulator.Services.GetRequiredService<CloudApiSimulator>().ScriptFailure(Number, new ScriptedFailure(ErrorCodes.SpamRateLimitHit, 400, null), 1);
        await using (var host = await StartAsync(simulator.Address, TimeProvider.System))
        {
            await host.Lane(Number).EnqueueAsync([TestSends.Template(DateTimeOffset.UtcNow.AddHours(1))]);
            await Eventually.UntilAsync(async () => (await host.Lane(Number).GetSnapshotAsync()).Status == LaneStatus.Stopped);
        }

        await using var restarted = await StartAsync(simulator.Address, TimeProvider.System);
        var stopped = await restarted.Lane(Number).GetSnapshotAsync();
        var resumed = await restarted.Lane(Number).ResumeAsync();

        Assert.Equal((LaneStatus.Stopped, ErrorCodes.SpamRateLimitHit), (stopped.Status, stopped.StopReason!.Code));
        Assert.Equal((LaneStatus.Running, null), (resumed.Status, resumed.StopReason));
        await restarted.StopAsync();
        await using var again = await StartAsync(simulator.Address, TimeProvider.System);
        Assert.Equal(LaneStatus.Running, (await again.Lane(Number).GetSnapshotAsync()).Status);
    }

    [Fact]
    public async Task BudgetCounts_SurviveARestart_OneRowPerRecipient_AndAreForgottenAfter24Hours()
    {
        var start = _time.GetUtcNow();
        await using (var host = await StartAsync())
        {
            var business = host.Business("biz-1");
            await business.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier1K, BudgetScope.Business));
            for (var i = 0; i < 120; i++)
            {
                await business.ChargeAsync(new BudgetCharge(Number, $"1555{i:D4}", false, SendOrigin.Direct));
                _time.Advance(TimeSpan.FromMinutes(1));
            }
        }

        Assert.Equal(120, await CountRowsAsync());
        await using (var restarted = await StartAsync())
        {
            var snapshot = await restarted.Business("biz-1").GetSnapshotAsync();
            var usage = Assert.Single(snapshot.Budgets);
            Assert.Equal((MessagingLimitTier.Tier1K, 120, (int?)880, (DateTimeOffset?)(start + TimeSpan.FromHours(24))), (snapshot.Tier, usage.Used, usage.Remaining, usage.NextCapacityAt));
            Assert.Equal(BudgetVerdict.Free, (await restarted.Business("biz-1").ChargeAsync(new BudgetCharge(Number, "15550007", false, SendOrigin.Direct))).Verdict);
        }

        _time.Advance(start + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(60) - _time.GetUtcNow());
        await using var dayLater = await StartAsync();
        var later = Assert.Single((await dayLater.Business("biz-1").GetSnapshotAsync()).Budgets);

        // Recipients 0–60 freed (and 7 restarted its day at minute 120, so it is still counted).
        Assert.Equal(120 - 61 + 1, later.Used);
        Assert.Equal(later.Used, await CountRowsAsync());
    }

    [Fact]
    public async Task RecipientFacts_SurviveARestart_AndRecipientsWithoutFactsWriteNothing()
    {
        var start = _time.GetUtcNow();
        await using (var host = await StartAsync())
        {
            var known = host.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, "16505550001"));
            await known.RecordInboundAsync(new UserMessage("wamid.a", start, "STOP"), KeywordPolicy.Default);
            await known.RecordMarketingPreferenceAsync(stopped: true, start);
            await known.RecordOutcomeAsync(ErrorCodes.MarketingCapReached, start);
            await known.RecordOutcomeAsync(ErrorCodes.MessageUndeliverable, start);
            for (var i = 0; i < 50; i++)
            {
                var unknown = host.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, $"1777000{i:D4}"));
                await unknown.AdmitAsync(new RecipientSend(MessageCategory.Marketing, SendOrigin.Campaign, start.AddHours(1)));
            }
        }

        await using var restarted = await StartAsync();
        var snapshot = await restarted.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, "16505550001")).GetSnapshotAsync();

        Assert.Equal(
            (start, (DateTimeOffset?)(start + TimeSpan.FromHours(24)), true, true, (DateTimeOffset?)(start + TimeSpan.FromHours(24)), (DateTimeOffset?)(start + TimeSpan.FromDays(7))),
            (snapshot.LastInboundAt!.Value, snapshot.WindowOpenUntil, snapshot.MarketingOptedOut, snapshot.KeywordOptedOut, snapshot.MarketingCapUntil, snapshot.UndeliverableUntil));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM grain_states WHERE state_name = 'recipient'"));
    }

    private Task<GrainHost> StartAsync(Uri? upstream = null, TimeProvider? time = null) =>
        GrainHost.StartAsync(
            o =>
            {
                o.Provider = _storage.Provider;
                o.ConnectionString = _storage.ConnectionString;
            },
            time ?? _time,
            upstream);

    private Task<long> CountRowsAsync() => CountAsync("SELECT COUNT(*) FROM messaging_budget");

    private async Task<long> CountAsync(string sql)
    {
        await using var database = StorageDatabase.Create(_storage);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
