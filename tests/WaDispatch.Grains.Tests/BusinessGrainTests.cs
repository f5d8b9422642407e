using Microsoft.Extensions.Time.Testing;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Budgets;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>Messaging-limit arithmetic on a manual clock, with the counts in a real SQLite database.</summary>
public sealed class BusinessGrainTests : IAsyncLifetime
{
    private const string Business = "biz-1";
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private GrainHost _host = null!;

    private IBusinessGrain Grain => _host.Business(Business);

    public async ValueTask InitializeAsync() => _host = await GrainHost.StartAsync(o => o.UseSqlite(_file.ConnectionString), _time);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task OnlyNewRecipientsOutsideAWindow_CostBudget()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier250, BudgetScope.Business));

        var first = await ChargeAsync("A", "15550001");
        var second = await ChargeAsync("A", "15550002");
        var again = await ChargeAsync("A", "15550001");
        var insideWindow = await ChargeAsync("A", "15550003", windowOpen: true);

        Assert.Equal(
            [BudgetVerdict.Charged, BudgetVerdict.Charged, BudgetVerdict.Free, BudgetVerdict.Free],
            new[] { first, second, again, insideWindow }.Select(d => d.Verdict));
        var usage = Assert.Single((await Grain.GetSnapshotAsync()).Budgets);
        Assert.Equal((2, (int?)248), (usage.Used, usage.Remaining));
    }

    [Fact]
    public async Task ASpentBudget_DefersCampaignSends_RejectsDirectOnesWithItsOwnCode_AndFreesExactly24HoursLater()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier50, BudgetScope.Business));
        var start = _time.GetUtcNow();
        for (var i = 0; i < 50; i++)
        {
            Assert.Equal(BudgetVerdict.Charged, (await ChargeAsync("A", $"1555{i:D4}")).Verdict);
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        var campaign = await ChargeAsync("A", "15559999", origin: SendOrigin.Campaign);
        var direct = await ChargeAsync("A", "15559999");

        Assert.Equal((BudgetVerdict.Deferred, start + TimeSpan.FromHours(24)), (campaign.Verdict, campaign.RetryAt));
        Assert.Equal((BudgetVerdict.Rejected, ErrorCodes.MessagingLimitReached), (direct.Verdict, direct.Error!.Code));
        Assert.Equal(
            "The messaging limit of business biz-1 is TIER_50: 50 unique recipients outside a customer-service window per moving 24 hours, and 50 are counted. Capacity returns at 2026-01-02T00:00:00Z.",
            direct.Error.Details);

        _time.Advance(start + TimeSpan.FromHours(24) - TimeSpan.FromMilliseconds(1) - _time.GetUtcNow());
        Assert.Equal(BudgetVerdict.Deferred, (await ChargeAsync("A", "15559999", origin: SendOrigin.Campaign)).Verdict);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(BudgetVerdict.Charged, (await ChargeAsync("A", "15559999", origin: SendOrigin.Campaign)).Verdict);
        Assert.Equal(BudgetVerdict.Deferred, (await ChargeAsync("A", "15558888", origin: SendOrigin.Campaign)).Verdict);
    }

    [Fact]
    public async Task ARecipientReachedAgain_KeepsItsPlace_For24HoursFromTheLatestSend()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier50, BudgetScope.Business));
        await ChargeAsync("A", "15550001");
        _time.Advance(TimeSpan.FromHours(20));
        Assert.Equal(BudgetVerdict.Free, (await ChargeAsync("A", "15550001")).Verdict);

        _time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(1, Assert.Single((await Grain.GetSnapshotAsync()).Budgets).Used);
        _time.Advance(TimeSpan.FromHours(19));
        Assert.Equal(0, Assert.Single((await Grain.GetSnapshotAsync()).Budgets).Used);
    }

    [Fact]
    public async Task InBusinessScope_AllNumbersShareOneBudget_InPhoneNumberScope_EachHasItsOwn()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier50, BudgetScope.Business));
        for (var i = 0; i < 30; i++)
        {
            await ChargeAsync("A", $"1555{i:D4}");
            await ChargeAsync("B", $"1666{i:D4}");
        }

        var shared = await Grain.GetSnapshotAsync();
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier50, BudgetScope.PhoneNumber));
        var perNumber = await Grain.GetSnapshotAsync();

        // Recipients 25 to 29 of each number found the shared budget spent.

        var sharedUsage = Assert.Single(shared.Budgets);
        Assert.Equal((50, (int?)0), (sharedUsage.Used, sharedUsage.Remaining));
        Assert.Equal(
            [("A", 25, (int?)25), ("B", 25, (int?)25)],
            perNumber.Budgets.Select(b => (b.PhoneNumberId!, b.Used, b.Remaining)));
        Assert.Equal(BudgetVerdict.Charged, (await ChargeAsync("B", "17770000")).Verdict);
    }

    [Fact]
    public async Task Preflight_SaysHowManyFitNow_AndWhenTheLastOfTheRestCanGo()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier250, BudgetScope.Business));
        var start = _time.GetUtcNow();
        for (var i = 0; i < 200; i++)
        {
            await ChargeAsync("A", $"1555{i:D4}");
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var now = _time.GetUtcNow();
        var few = await Grain.PreflightAsync("A", 40);
        var some = await Grain.PreflightAsync("A", 100);
        var many = await Grain.PreflightAsync("A", 600);

        Assert.Equal(new BudgetPreflight(40, 40, now, null), few);
        // 50 fit now; the 50 others take the places of the 50 oldest recipients as they free.
        Assert.Equal(new BudgetPreflight(100, 50, start + TimeSpan.FromSeconds(49) + TimeSpan.FromHours(24), null), some);
        // 550 wait: 200 + 50 places free over the next day, then the same places again a day later, and once more.
        Assert.Equal(new BudgetPreflight(600, 50, start + TimeSpan.FromSeconds(49) + TimeSpan.FromHours(72), null), many);
    }

    [Fact]
    public async Task ASendThatWentOutLate_RestartsItsRecipientsDayFromTheSend()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier50, BudgetScope.Business));
        var chargedAt = _time.GetUtcNow();
        await ChargeAsync("A", "15550001");

        // The lane was stopped for ten hours; then the message went out.
        _time.Advance(TimeSpan.FromHours(10));
        await Grain.RecordSentAsync("A", "15550001", _time.GetUtcNow());

        _time.Advance(TimeSpan.FromHours(20));
        var usage = Assert.Single((await Grain.GetSnapshotAsync()).Budgets);
        Assert.Equal((1, (DateTimeOffset?)(chargedAt + TimeSpan.FromHours(34))), (usage.Used, usage.NextCapacityAt));
    }

    [Fact]
    public async Task AfterATierIsLowered_CapacityReturnsOnlyWhenEnoughPlacesFreed()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier250, BudgetScope.Business));
        var start = _time.GetUtcNow();
        for (var i = 0; i < 100; i++)
        {
            await ChargeAsync("A", $"1555{i:D4}");
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier50, BudgetScope.Business));
        var refused = await ChargeAsync("A", "15559999");
        var preflight = await Grain.PreflightAsync("A", 1);

        // 100 counted, 50 fit: the 51st oldest must free before one more fits.
        var expected = start + TimeSpan.FromMinutes(50) + TimeSpan.FromHours(24);
        Assert.Equal((BudgetVerdict.Rejected, (DateTimeOffset?)expected), (refused.Verdict, refused.RetryAt));
        Assert.Equal((0, expected), (preflight.FitsNow, preflight.AllFitBy));
    }

    [Fact]
    public async Task AnUnlimitedTier_NeverDefers_AndTracksNothing()
    {
        await Grain.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Unlimited, BudgetScope.Business));
        for (var i = 0; i < 300; i++)
        {
            Assert.Equal(BudgetVerdict.Free, (await ChargeAsync("A", $"1555{i:D4}")).Verdict);
        }

        var snapshot = await Grain.GetSnapshotAsync();
        Assert.Null(snapshot.Capacity);
        Assert.Equal(new BudgetUsage(null, 0, null, null), Assert.Single(snapshot.Budgets));
    }

    [Fact]
    public async Task AnUnconfiguredBusiness_GetsTheDefaultTier()
    {
        var snapshot = await Grain.GetSnapshotAsync();

        Assert.Equal((MessagingLimitTier.Tier250, true, (int?)250), (snapshot.Tier, snapshot.TierIsDefault, snapshot.Capacity));
    }

    private ValueTask<BudgetDecision> ChargeAsync(string number, string waId, bool windowOpen = false, SendOrigin origin = SendOrigin.Direct) =>
        Grain.ChargeAsync(new BudgetCharge(number, waId, windowOpen, origin));
}
