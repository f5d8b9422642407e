using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace WaDispatch.Grains.Recipients;

/// <summary>
/// A (business number, user) pair. Collected after <see cref="RecipientOptions.IdleCollectionAge"/> idle (15 s by default, longer while its pair pace reaches further); state is written only when a fact
/// changed, so a campaign to users WaDispatch knows nothing about writes nothing for them.
/// </summary>
public sealed class RecipientGrain : Grain, IRecipientGrain
{
    private readonly IPersistentState<RecipientState> _state;
    private readonly RecipientOptions _options;
    private readonly TimeProvider _time;
    private RecipientRules _rules = null!;
    private string _phoneNumberId = null!;
    private string _waId = null!;

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public RecipientGrain([PersistentState("recipient")] IPersistentState<RecipientState> state, IOptions<RecipientOptions> options, TimeProvider time)
    {
        _time = time;
        ArgumentNullException.ThrowIfNull(options);
        _state = state;
        _options = options.Value;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_phoneNumberId, _waId) = RecipientKey.Parse(this.GetPrimaryKeyString());
        _rules = new RecipientRules(_state.State, _options);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<RecipientDecision> AdmitAsync(RecipientSend send)
    {
        ArgumentNullException.ThrowIfNull(send);
        var now = _time.GetUtcNow();
        var decision = _rules.Admit(send, now);

        // The pair's pace lives in memory only: a burst that reaches beyond the idle age keeps the activation until it has passed.
        var paced = _rules.PacedUntil - now;
        if (paced > _options.IdleCollectionAge)
        {
            DelayDeactivation(paced);
        }

        return ValueTask.FromResult(decision);
    }

    /// <inheritdoc />
    public ValueTask RecordInboundAsync(UserMessage message, KeywordPolicy keywords)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(keywords);
        return WriteIf(_rules.Inbound(message, keywords));
    }

    /// <inheritdoc />
    public ValueTask RecordMarketingPreferenceAsync(bool stopped, DateTimeOffset at) => WriteIf(_rules.MarketingPreference(stopped, at));

    /// <inheritdoc />
    public ValueTask RecordOutcomeAsync(int code, DateTimeOffset at) => WriteIf(_rules.Outcome(code, at));

    /// <inheritdoc />
    public ValueTask<RecipientSnapshot> GetSnapshotAsync() => ValueTask.FromResult(_rules.Snapshot(_phoneNumberId, _waId, _time.GetUtcNow()));

    private ValueTask WriteIf(bool changed) => changed ? new ValueTask(WriteAsync()) : ValueTask.CompletedTask;

    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            // Not written, not kept: otherwise Meta's retry of the same event would look like a duplicate
            // and the fact would be lost when the grain is collected.
            await _state.ReadStateAsync();
            _rules = new RecipientRules(_state.State, _options);
            throw;
        }
    }
}
