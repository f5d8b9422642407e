using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Orleans.Configuration;
using Orleans.Runtime;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Grains.Tests;

/// <summary>Each recipient rule on a manual clock, with the state in a real SQLite database.</summary>
public sealed class RecipientGrainTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string User = "16505551234";
    private readonly TempSqliteFile _file = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private GrainHost _host = null!;

    private IRecipientGrain Recipient => _host.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, User));

    private DateTimeOffset Now => _time.GetUtcNow();

    public async ValueTask InitializeAsync() => _host = await GrainHost.StartAsync(o => o.UseSqlite(_file.ConnectionString), _time);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task AFreeFormSend_OutsideTheWindow_IsRefusedLocallyWith131047_SayingWhenItClosed()
    {
        var never = await AdmitAsync(MessageCategory.Service);
        await Recipient.RecordInboundAsync(new UserMessage("wamid.in1", Now, "hi"), KeywordPolicy.Default);
        var opened = Now;
        _time.Advance(TimeSpan.FromHours(23));
        var inside = await AdmitAsync(MessageCategory.Service);
        _time.Advance(TimeSpan.FromHours(1));
        var outside = await AdmitAsync(MessageCategory.Service);
        var template = await AdmitAsync(MessageCategory.Utility);

        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.ReEngagementMessage), (never.Verdict, never.Error!.Code));
        Assert.Equal("The user has not written to this number, so no customer-service window is open: only templates may be sent.", never.Error.Details);
        Assert.Equal((RecipientVerdict.Allowed, true), (inside.Verdict, inside.WindowOpen));
        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.ReEngagementMessage), (outside.Verdict, outside.Error!.Code));
        Assert.Equal("The customer-service window with this user closed at 2026-01-02T00:00:00Z: only templates may be sent until the user writes again.", outside.Error.Details);
        Assert.Equal(opened + TimeSpan.FromHours(24), Now);
        Assert.Equal((RecipientVerdict.Allowed, false), (template.Verdict, template.WindowOpen));
    }

    [Fact]
    public async Task TheWindow_RunsFromEachMessagesOwnTime_SoALateOlderMessageNeitherShortensNorLengthensIt()
    {
        var start = Now;
        _time.Advance(TimeSpan.FromMinutes(10));
        await Recipient.RecordInboundAsync(new UserMessage("wamid.in2", start + TimeSpan.FromMinutes(5), "second"), KeywordPolicy.Default);
        await Recipient.RecordInboundAsync(new UserMessage("wamid.in1", start, "first, delivered late"), KeywordPolicy.Default);
        await Recipient.RecordInboundAsync(new UserMessage("wamid.in2", start + TimeSpan.FromMinutes(5), "second"), KeywordPolicy.Default);

        Assert.Equal(start + TimeSpan.FromMinutes(5) + TimeSpan.FromHours(24), (await Recipient.GetSnapshotAsync()).WindowOpenUntil);
    }

    [Fact]
    public async Task ATemplateInsideAnOpenWindow_CostsNoBudget_OutsideItCostsAPlace()
    {
        var business = _host.Business("biz");
        await business.ConfigureAsync(new BusinessConfiguration(MessagingLimitTier.Tier250, BudgetScope.Business));
        await Recipient.RecordInboundAsync(new UserMessage("wamid.in", Now, "hello"), KeywordPolicy.Default);

        var inside = await AdmitAsync(MessageCategory.Utility);
        var insideCharge = await business.ChargeAsync(new BudgetCharge(Number, User, inside.WindowOpen, SendOrigin.Direct));
        _time.Advance(TimeSpan.FromHours(25));
        var outside = await AdmitAsync(MessageCategory.Utility);
        var outsideCharge = await business.ChargeAsync(new BudgetCharge(Number, User, outside.WindowOpen, SendOrigin.Direct));

        Assert.Equal((true, BudgetVerdict.Free), (inside.WindowOpen, insideCharge.Verdict));
        Assert.Equal((false, BudgetVerdict.Charged), (outside.WindowOpen, outsideCharge.Verdict));
    }

    [Fact]
    public async Task AMarketingStop_SkipsCampaignsAndRefusesDirectSendsWith131050_ButLetsUtilityThrough_AndTheLatestEventWins()
    {
        var t0 = Now;
        await Recipient.RecordMarketingPreferenceAsync(stopped: true, t0 + TimeSpan.FromMinutes(2));
        await Recipient.RecordMarketingPreferenceAsync(stopped: false, t0 + TimeSpan.FromMinutes(1)); // older, delivered late
        _time.Advance(TimeSpan.FromMinutes(3));

        var campaign = await AdmitAsync(MessageCategory.Marketing, SendOrigin.Campaign);
        var direct = await AdmitAsync(MessageCategory.Marketing);
        var utility = await AdmitAsync(MessageCategory.Utility);
        await Recipient.RecordMarketingPreferenceAsync(stopped: false, Now);
        var resumed = await AdmitAsync(MessageCategory.Marketing, SendOrigin.Campaign);

        Assert.Equal((RecipientVerdict.Skipped, RecipientDecision.OptedOut), (campaign.Verdict, campaign.SkipReason));
        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.UserStoppedMarketing), (direct.Verdict, direct.Error!.Code));
        Assert.Equal("The user stopped marketing messages at 2026-01-01T00:02:00Z; utility and authentication templates are still allowed.", direct.Error.Details);
        Assert.Equal(RecipientVerdict.Allowed, utility.Verdict);
        Assert.Equal(RecipientVerdict.Allowed, resumed.Verdict);
    }

    [Fact]
    public async Task A131050FromMeta_RecordsTheOptOut_UnlessTheUserResumedSince()
    {
        var t0 = Now;
        await Recipient.RecordMarketingPreferenceAsync(stopped: false, t0 + TimeSpan.FromMinutes(5));
        await Recipient.RecordOutcomeAsync(ErrorCodes.UserStoppedMarketing, t0 + TimeSpan.FromMinutes(1));
        _time.Advance(TimeSpan.FromMinutes(6));
        var afterOlderFailure = await AdmitAsync(MessageCategory.Marketing, SendOrigin.Campaign);
        await Recipient.RecordOutcomeAsync(ErrorCodes.UserStoppedMarketing, Now);
        var afterNewFailure = await AdmitAsync(MessageCategory.Marketing, SendOrigin.Campaign);

        Assert.Equal(RecipientVerdict.Allowed, afterOlderFailure.Verdict);
        Assert.Equal((RecipientVerdict.Skipped, RecipientDecision.OptedOut), (afterNewFailure.Verdict, afterNewFailure.SkipReason));
    }

    [Fact]
    public async Task AStopKeyword_BlocksTemplatesOfEveryCategory_ButNotAReplyInTheWindow_UntilStart()
    {
        var t0 = Now;
        await Recipient.RecordInboundAsync(new UserMessage("wamid.a", t0, " stop "), KeywordPolicy.Default);
        var utility = await AdmitAsync(MessageCategory.Utility);
        var authentication = await AdmitAsync(MessageCategory.Authentication, SendOrigin.Campaign);
        var reply = await AdmitAsync(MessageCategory.Service);

        _time.Advance(TimeSpan.FromMinutes(1));
        await Recipient.RecordInboundAsync(new UserMessage("wamid.b", Now, "Start"), KeywordPolicy.Default);
        await Recipient.RecordInboundAsync(new UserMessage("wamid.a", t0, " stop "), KeywordPolicy.Default); // a duplicate, late
        var afterStart = await AdmitAsync(MessageCategory.Marketing);

        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.KeywordOptOut), (utility.Verdict, utility.Error!.Code));
        Assert.Equal("The user opted out by texting 'stop' at 2026-01-01T00:00:00Z: no templates until they opt back in.", utility.Error.Details);
        Assert.Equal((RecipientVerdict.Skipped, RecipientDecision.OptedOut), (authentication.Verdict, authentication.SkipReason));
        Assert.Equal(RecipientVerdict.Allowed, reply.Verdict);
        Assert.Equal(RecipientVerdict.Allowed, afterStart.Verdict);
    }

    [Fact]
    public async Task KeywordsAreTheBusinessesOwn()
    {
        var policy = new KeywordPolicy(["BASTA"], ["VOLVER"]);
        await Recipient.RecordInboundAsync(new UserMessage("wamid.a", Now, "STOP"), policy);
        var afterStop = await AdmitAsync(MessageCategory.Utility);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Recipient.RecordInboundAsync(new UserMessage("wamid.b", Now, "basta"), policy);

        Assert.Equal(RecipientVerdict.Allowed, afterStop.Verdict);
        Assert.Equal(RecipientVerdict.Refused, (await AdmitAsync(MessageCategory.Utility)).Verdict);
    }

    [Fact]
    public async Task ThePairRate_AllowsABurstOf45_ThenOnePerSixSeconds()
    {
        var decisions = new List<RecipientDecision>();
        for (var i = 0; i < 47; i++)
        {
            decisions.Add(await AdmitAsync(MessageCategory.Utility));
        }

        Assert.All(decisions.Take(45), d => Assert.Equal((RecipientVerdict.Allowed, (DateTimeOffset?)null), (d.Verdict, d.NotBefore)));
        Assert.Equal(Now + TimeSpan.FromSeconds(6), decisions[45].NotBefore);
        Assert.Equal(Now + TimeSpan.FromSeconds(12), decisions[46].NotBefore);
    }

    [Fact]
    public async Task A131056_SnoozesThePairForFourToTheX_AndAnAcceptedSendEndsTheSeries()
    {
        var snoozes = new List<TimeSpan>();
        async Task SnoozeAsync()
        {
            await Recipient.RecordOutcomeAsync(ErrorCodes.PairRateLimitHit, Now);
            snoozes.Add((await AdmitAsync(MessageCategory.Utility)).NotBefore!.Value - Now);
        }

        await SnoozeAsync();
        _time.Advance(TimeSpan.FromSeconds(1));
        await SnoozeAsync();
        _time.Advance(TimeSpan.FromSeconds(4));
        await SnoozeAsync();
        _time.Advance(TimeSpan.FromSeconds(16));
        await Recipient.RecordOutcomeAsync(0, Now);
        _time.Advance(TimeSpan.FromSeconds(1));
        await SnoozeAsync();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(1)], snoozes);
    }

    [Fact]
    public async Task A131049_HoldsMarketingForADay_DeferringCampaignsWithinTheirExpiry_AndRefusingDirectSendsWithARetryTime()
    {
        await Recipient.RecordOutcomeAsync(ErrorCodes.MarketingCapReached, Now);
        var until = Now + TimeSpan.FromHours(24);

        var longCampaign = await AdmitAsync(MessageCategory.Marketing, SendOrigin.Campaign, expiresIn: TimeSpan.FromHours(48));
        var shortCampaign = await AdmitAsync(MessageCategory.Marketing, SendOrigin.Campaign, expiresIn: TimeSpan.FromHours(12));
        var direct = await AdmitAsync(MessageCategory.Marketing);
        var utility = await AdmitAsync(MessageCategory.Utility);
        _time.Advance(TimeSpan.FromHours(24));
        var nextDay = await AdmitAsync(MessageCategory.Marketing);

        Assert.Equal((RecipientVerdict.Deferred, (DateTimeOffset?)until), (longCampaign.Verdict, longCampaign.RetryAt));
        Assert.Equal(RecipientVerdict.Expired, shortCampaign.Verdict);
        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.MarketingCapReached, (DateTimeOffset?)until), (direct.Verdict, direct.Error!.Code, direct.RetryAt));
        Assert.Equal(RecipientVerdict.Allowed, utility.Verdict);
        Assert.Equal(RecipientVerdict.Allowed, nextDay.Verdict);
    }

    [Fact]
    public async Task A131026_MakesCampaignsSkipTheUserAsUndeliverable_ForSevenDays()
    {
        await Recipient.RecordOutcomeAsync(ErrorCodes.MessageUndeliverable, Now);

        var campaign = await AdmitAsync(MessageCategory.Utility, SendOrigin.Campaign);
        var direct = await AdmitAsync(MessageCategory.Utility);
        _time.Advance(TimeSpan.FromDays(7));
        var weekLater = await AdmitAsync(MessageCategory.Utility, SendOrigin.Campaign);

        Assert.Equal((RecipientVerdict.Skipped, RecipientDecision.Undeliverable), (campaign.Verdict, campaign.SkipReason));
        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.MessageUndeliverable), (direct.Verdict, direct.Error!.Code));
        Assert.Equal(RecipientVerdict.Allowed, weekLater.Verdict);
    }

    [Fact]
    public async Task AUserWhoWritesAfterA131026_IsReachableAgain()
    {
        await Recipient.RecordOutcomeAsync(ErrorCodes.MessageUndeliverable, Now);
        _time.Advance(TimeSpan.FromHours(1));
        await Recipient.RecordInboundAsync(new UserMessage("wamid.a", Now - TimeSpan.FromHours(2), "written before the failure, delivered late"), KeywordPolicy.Default);
        var stillUndeliverable = await AdmitAsync(MessageCategory.Utility, SendOrigin.Campaign);
        await Recipient.RecordInboundAsync(new UserMessage("wamid.b", Now, "I'm back"), KeywordPolicy.Default);

        Assert.Equal(RecipientVerdict.Skipped, stillUndeliverable.Verdict);
        Assert.Equal(RecipientVerdict.Allowed, (await AdmitAsync(MessageCategory.Utility, SendOrigin.Campaign)).Verdict);
    }

    [Fact]
    public async Task ADuplicateOrLate131056_DoesNotLengthenTheSnooze()
    {
        var first = Now;
        await Recipient.RecordOutcomeAsync(ErrorCodes.PairRateLimitHit, first);
        await Recipient.RecordOutcomeAsync(ErrorCodes.PairRateLimitHit, first);
        await Recipient.RecordOutcomeAsync(0, first + TimeSpan.FromSeconds(2));
        await Recipient.RecordOutcomeAsync(ErrorCodes.PairRateLimitHit, first + TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(3));
        await Recipient.RecordOutcomeAsync(ErrorCodes.PairRateLimitHit, Now);

        Assert.Equal(Now + TimeSpan.FromSeconds(1), (await AdmitAsync(MessageCategory.Utility)).NotBefore);
    }

    [Theory]
    [InlineData(498)]
    [InlineData(ErrorCodes.UserStoppedMarketing)]
    public async Task OlderStopCodes_CountAsAMarketingStop(int code)
    {
        await Recipient.RecordOutcomeAsync(code, Now);

        Assert.True((await Recipient.GetSnapshotAsync()).MarketingOptedOut);
    }

    [Fact]
    public async Task AFreeFormSend_ThePairRateWouldPushPastTheWindow_IsRefusedNow()
    {
        await Recipient.RecordInboundAsync(new UserMessage("wamid.a", Now, "hi"), KeywordPolicy.Default);
        _time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(3));
        for (var i = 0; i < 45; i++)
        {
            await AdmitAsync(MessageCategory.Service);
        }

        var late = await AdmitAsync(MessageCategory.Service);

        Assert.Equal((RecipientVerdict.Refused, ErrorCodes.ReEngagementMessage), (late.Verdict, late.Error!.Code));
        Assert.Equal("The customer-service window with this user closes at 2026-01-02T00:00:00Z, before the pair rate lets another message go at 2026-01-02T00:00:03Z.", late.Error.Details);
    }

    [Fact]
    public async Task A131047FromMeta_ClosesTheWindow_UntilTheUserWritesAgain()
    {
        await Recipient.RecordInboundAsync(new UserMessage("wamid.a", Now, "hi"), KeywordPolicy.Default);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Recipient.RecordOutcomeAsync(ErrorCodes.ReEngagementMessage, Now);
        var closed = await AdmitAsync(MessageCategory.Service);
        _time.Advance(TimeSpan.FromMinutes(1));
        await Recipient.RecordInboundAsync(new UserMessage("wamid.b", Now, "again"), KeywordPolicy.Default);

        Assert.Equal(RecipientVerdict.Refused, closed.Verdict);
        Assert.Equal(RecipientVerdict.Allowed, (await AdmitAsync(MessageCategory.Service)).Verdict);
    }

    [Fact]
    public void RecipientsAreCollectedAfterFifteenIdleSeconds_SweptAtLeastThreeTimesInThem()
    {
        var collection = _host.Services.GetRequiredService<IOptions<GrainCollectionOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(15), collection.ClassSpecificCollectionAge[typeof(RecipientGrain).FullName!]);
        Assert.True(collection.CollectionQuantum <= TimeSpan.FromSeconds(5), $"Orleans sweeps every {collection.CollectionQuantum}");
    }

    [Fact]
    public async Task ARecipientWhosePairPaceReachesPastItsIdleAge_KeepsThePaceUntilItHasPassed()
    {
        // Real time, which Orleans collects on: an idle age of 2 s, and a pace of one send per 5 s with no burst, so that
        // three sends reach 15 s ahead. The pace is not persisted: collected, the recipient would let the fourth go at once.
        using var file = new TempSqliteFile();
        await using var host = await GrainHost.StartAsync(o => o.UseSqlite(file.ConnectionString), TimeProvider.System, configure: services =>
            services.Configure<RecipientOptions>(o =>
            {
                o.IdleCollectionAge = TimeSpan.FromSeconds(2);
                o.PairInterval = TimeSpan.FromSeconds(5);
                o.PairBurst = 1;
            }));
        var recipient = host.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, User));
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < 3; i++)
        {
            await recipient.AdmitAsync(new RecipientSend(MessageCategory.Utility, SendOrigin.Campaign, start.AddHours(1)));
        }

        // Well past its idle age and several of Orleans' sweeps, well before the pace has passed.
        await Task.Delay(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        var fourth = await recipient.AdmitAsync(new RecipientSend(MessageCategory.Utility, SendOrigin.Campaign, start.AddHours(1)));

        Assert.Equal(RecipientVerdict.Allowed, fourth.Verdict);
        Assert.NotNull(fourth.NotBefore);
        Assert.True(fourth.NotBefore >= start + TimeSpan.FromSeconds(15), $"the fourth may go at {fourth.NotBefore:O}, started {start:O}");
    }

    [Fact]
    public async Task RecipientsLeaveMemoryWhenIdle_AndKeepTheirFacts()
    {
        // Orleans collects on real time: the two minutes shortened to three seconds, swept every second.
        using var file = new TempSqliteFile();
        await using var host = await GrainHost.StartAsync(o => o.UseSqlite(file.ConnectionString), _time, configure: services =>
        {
            services.Configure<GrainCollectionOptions>(o => o.CollectionQuantum = TimeSpan.FromSeconds(1));
            services.Configure<RecipientOptions>(o => o.IdleCollectionAge = TimeSpan.FromSeconds(3));
        });
        var management = host.Grains.GetGrain<IManagementGrain>(0);
        async Task<int> RecipientsInMemoryAsync() =>
            (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains(nameof(RecipientGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);

        for (var i = 0; i < 200; i++)
        {
            var recipient = host.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, $"1650555{i:D4}"));
            await recipient.AdmitAsync(new RecipientSend(MessageCategory.Utility, SendOrigin.Campaign, Now.AddHours(1)));
        }

        var known = host.Grains.GetGrain<IRecipientGrain>(RecipientKey.Of(Number, User));
        await known.RecordOutcomeAsync(ErrorCodes.MessageUndeliverable, Now);
        var active = await RecipientsInMemoryAsync();
        await Eventually.UntilAsync(async () => await RecipientsInMemoryAsync() == 0, TimeSpan.FromSeconds(30));

        Assert.Equal(201, active);
        Assert.Equal(RecipientVerdict.Skipped, (await known.AdmitAsync(new RecipientSend(MessageCategory.Utility, SendOrigin.Campaign, Now.AddHours(1)))).Verdict);
    }

    private ValueTask<RecipientDecision> AdmitAsync(MessageCategory category, SendOrigin origin = SendOrigin.Direct, TimeSpan? expiresIn = null) =>
        Recipient.AdmitAsync(new RecipientSend(category, origin, Now + (expiresIn ?? TimeSpan.FromHours(24))));
}
