using System.Globalization;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Recipients;
using WaDispatch.Storage.Budgets;
using Orleans.Runtime;

namespace WaDispatch.Grains.Budgets;

/// <summary>
/// A business portfolio's messaging limit. Counts live in memory for decisions and in the
/// <c>messaging_budget</c> table row by row; settings live in grain state.
/// </summary>
public sealed class BusinessGrain : Grain, IBusinessGrain
{
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    private readonly IPersistentState<BusinessSettings> _settings;
    private readonly MessagingBudgetStore _store;
    private readonly BudgetWriter _writer;
    private readonly MessagingLimitTier _defaultTier;
    private readonly Dictionary<string, MessagingLimitBudget> _budgets = new(StringComparer.Ordinal);
    private List<BudgetEntry> _entries = [];

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public BusinessGrain([PersistentState("business-settings")] IPersistentState<BusinessSettings> settings, MessagingBudgetStore store, IOptions<BudgetOptions> options, DispatchMetrics metrics, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        _metrics = metrics;
        _time = time;
        _settings = settings;
        _store = store;
        _writer = new BudgetWriter(store);
        _defaultTier = MessagingLimitTiers.Parse(options.Value.DefaultTier, "Budgets:DefaultTier");
    }

    private readonly DispatchMetrics _metrics;
    private readonly TimeProvider _time;

    private MessagingLimitTier Tier => _settings.State.Tier ?? _defaultTier;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        await _store.PruneAsync(this.GetPrimaryKeyString(), now - MessagingLimitBudget.Window, cancellationToken);
        _entries = await _store.ReadAsync(this.GetPrimaryKeyString(), now - MessagingLimitBudget.Window, cancellationToken);
        Rebuild();
        this.RegisterGrainTimer(PruneAsync, new GrainTimerCreationOptions(PruneEvery, PruneEvery));
    }

    /// <inheritdoc />
    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => _writer.FlushAsync();

    /// <inheritdoc />
    public ValueTask<BudgetDecision> ChargeAsync(BudgetCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        ArgumentException.ThrowIfNullOrEmpty(charge.PhoneNumberId, "phone_number_id");
        ArgumentException.ThrowIfNullOrEmpty(charge.WaId, "wa_id");
        var capacity = Tier.Capacity();
        if (charge.WindowOpen || capacity == int.MaxValue)
        {
            return ValueTask.FromResult(new BudgetDecision(BudgetVerdict.Free));
        }

        var now = Now();
        var budget = BudgetOf(charge.PhoneNumberId);
        var count = budget.Count(charge.WaId, now, capacity);
        if (count == BudgetCount.Full)
        {
            // After a tier was lowered more may be counted than fit: the first of them to free give no room.
            var retryAt = budget.FreeTimes()[budget.Used - capacity];
            return ValueTask.FromResult(new BudgetDecision(charge.Origin == SendOrigin.Campaign ? BudgetVerdict.Deferred : BudgetVerdict.Rejected, retryAt, LimitReached(charge.PhoneNumberId, budget.Used, retryAt)));
        }

        var entry = new BudgetEntry(this.GetPrimaryKeyString(), charge.PhoneNumberId, charge.WaId, now);
        _entries.Add(entry);
        _metrics.Budget(this.GetPrimaryKeyString(), budget.Used);
        return ChargedAsync(_writer.Record(entry), count == BudgetCount.Counted ? BudgetVerdict.Charged : BudgetVerdict.Free);
    }

    /// <summary>The decision once its count is durable: a crash never forgets a recipient reached (the call interleaves while it waits).</summary>
    private static async ValueTask<BudgetDecision> ChargedAsync(Task committed, BudgetVerdict verdict)
    {
        await committed;
        return new BudgetDecision(verdict);
    }

    /// <inheritdoc />
    public ValueTask RecordSentAsync(string phoneNumberId, string waId, DateTimeOffset sentAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentException.ThrowIfNullOrEmpty(waId);
        if (Tier.Capacity() == int.MaxValue)
        {
            return ValueTask.CompletedTask;
        }

        sentAt = Truncate(sentAt);
        BudgetOf(phoneNumberId).Record(waId, sentAt);
        var entry = new BudgetEntry(this.GetPrimaryKeyString(), phoneNumberId, waId, sentAt);
        _entries.Add(entry);
        return new ValueTask(_writer.Record(entry));
    }

    /// <inheritdoc />
    public ValueTask<BudgetPreflight> PreflightAsync(string phoneNumberId, int recipients)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentOutOfRangeException.ThrowIfNegative(recipients);
        var now = Now();
        var capacity = Tier.Capacity();
        if (capacity == int.MaxValue)
        {
            return ValueTask.FromResult(new BudgetPreflight(recipients, recipients, now, null));
        }

        var budget = BudgetOf(phoneNumberId);
        budget.Prune(now);

        // Places in the order they free: those in use, then the free ones once the batch takes them now.
        // After a tier was lowered more may be counted than fit: the first of them to free give no room.
        var places = budget.FreeTimes();
        places.RemoveRange(0, Math.Max(0, places.Count - capacity));
        var freeNow = Math.Max(0, capacity - places.Count);
        places.AddRange(Enumerable.Repeat(now + MessagingLimitBudget.Window, freeNow));
        var fitsNow = Math.Min(recipients, freeNow);
        var waiting = recipients - fitsNow;
        var allFitBy = now;
        if (waiting > 0 && places.Count > 0)
        {
            // The j-th waiting recipient takes the place that frees j-th, cycling a day later each round.
            var last = waiting - 1;
            allFitBy = places[last % places.Count] + (MessagingLimitBudget.Window * (last / places.Count));
        }

        DateTimeOffset? next = freeNow == 0 && places.Count > 0 ? places[0] : null;
        return ValueTask.FromResult(new BudgetPreflight(recipients, fitsNow, allFitBy, next));
    }

    /// <inheritdoc />
    public async ValueTask<BusinessSnapshot> ConfigureAsync(BusinessConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var state = _settings.State;
        var (tier, scope, optOut, optIn) = (state.Tier, state.Scope, state.OptOutKeywords, state.OptInKeywords);
        state.Tier = configuration.Tier;
        state.Scope = configuration.Scope;
        state.OptOutKeywords = configuration.OptOutKeywords?.ToList();
        state.OptInKeywords = configuration.OptInKeywords?.ToList();
        try
        {
            await _settings.WriteStateAsync();
        }
        catch
        {
            // Not written, not applied: the budgets stay keyed by the scope that is stored.
            (state.Tier, state.Scope, state.OptOutKeywords, state.OptInKeywords) = (tier, scope, optOut, optIn);
            throw;
        }

        if (scope != configuration.Scope)
        {
            Rebuild();
        }

        return Snapshot();
    }

    /// <inheritdoc />
    public ValueTask<BusinessSnapshot> SetTierAsync(MessagingLimitTier tier)
    {
        var state = _settings.State;
        return ConfigureAsync(new BusinessConfiguration(tier, state.Scope, state.OptOutKeywords, state.OptInKeywords));
    }

    /// <inheritdoc />
    public ValueTask<KeywordPolicy> GetKeywordPolicyAsync() => ValueTask.FromResult(Keywords());

    /// <inheritdoc />
    public ValueTask<BusinessSnapshot> GetSnapshotAsync() => ValueTask.FromResult(Snapshot());

    private KeywordPolicy Keywords() => new(
        _settings.State.OptOutKeywords ?? KeywordPolicy.Default.OptOut,
        _settings.State.OptInKeywords ?? KeywordPolicy.Default.OptIn);

    /// <summary>Whole milliseconds, as storage keeps them, so that a reload frees places at the same instants.</summary>
    private static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private DateTimeOffset Now() => Truncate(_time.GetUtcNow());

    private BusinessSnapshot Snapshot()
    {
        var now = Now();
        var tier = Tier;
        var capacity = tier.Capacity();
        var unlimited = capacity == int.MaxValue;
        var usage = new List<BudgetUsage>();
        foreach (var (key, budget) in _budgets.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            budget.Prune(now);
            var frees = budget.FreeTimes();
            var next = frees.Count > 0 ? frees[Math.Min(frees.Count - 1, Math.Max(0, budget.Used - capacity))] : (DateTimeOffset?)null;
            usage.Add(new BudgetUsage(key.Length == 0 ? null : key, budget.Used, unlimited ? null : Math.Max(0, capacity - budget.Used), next));
        }

        if (usage.Count == 0 && _settings.State.Scope == BudgetScope.Business)
        {
            usage.Add(new BudgetUsage(null, 0, unlimited ? null : capacity, null));
        }

        return new BusinessSnapshot(this.GetPrimaryKeyString(), tier, _settings.State.Tier is null, unlimited ? null : capacity, _settings.State.Scope, usage, Keywords());
    }

    private MessagingLimitBudget BudgetOf(string phoneNumberId)
    {
        var key = _settings.State.Scope == BudgetScope.PhoneNumber ? phoneNumberId : string.Empty;
        if (!_budgets.TryGetValue(key, out var budget))
        {
            budget = new MessagingLimitBudget();
            _budgets.Add(key, budget);
        }

        return budget;
    }

    /// <summary>Rebuilds the budgets from the entries for the current scope (at activation, or when the scope changes).</summary>
    private void Rebuild()
    {
        _budgets.Clear();
        foreach (var entry in _entries.OrderBy(e => e.CountedAt))
        {
            BudgetOf(entry.PhoneNumberId).Restore(entry.WaId, entry.CountedAt);
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = Now() - MessagingLimitBudget.Window;
        _entries.RemoveAll(e => e.CountedAt <= cutoff);
        await _store.PruneAsync(this.GetPrimaryKeyString(), cutoff, cancellationToken);
    }

    private CloudApiError LimitReached(string phoneNumberId, int used, DateTimeOffset retryAt)
    {
        var tier = Tier;
        var scope = _settings.State.Scope == BudgetScope.PhoneNumber ? $"phone number {phoneNumberId} of business {this.GetPrimaryKeyString()}" : $"business {this.GetPrimaryKeyString()}";
        return CloudApiError.Create(
            ErrorCodes.MessagingLimitReached,
            "Messaging limit reached",
            string.Create(
                CultureInfo.InvariantCulture,
                $"The messaging limit of {scope} is {tier.ToWireName()}: {tier.Capacity()} unique recipients outside a customer-service window per moving 24 hours, and {used} are counted. Capacity returns at {retryAt:yyyy-MM-ddTHH:mm:ssZ}."));
    }
}
