using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Campaigns;

/// <summary>A campaign's durable truth: definition, status, pause reason and checkpoint.</summary>
public sealed class CampaignGrain : Grain, ICampaignGrain
{
    private readonly IPersistentState<CampaignState> _state;

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public CampaignGrain(IPersistentState<CampaignState> state) => _state = state;

    private CampaignState State => _state.State;

    /// <inheritdoc />
    public async ValueTask<bool> CreateAsync(CampaignState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (State.Exists)
        {
            return false;
        }

        state.Exists = true;
        _state.State = state;
        await _state.WriteStateAsync().ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public ValueTask<CampaignState?> GetAsync() => ValueTask.FromResult(State.Exists ? Copy() : null);

    /// <inheritdoc />
    public async ValueTask<CampaignState> StartedAsync(DateTimeOffset at)
    {
        if (State.Status == CampaignStatus.Scheduled)
        {
            State.Status = CampaignStatus.Running;
            State.StartedAt ??= at;
            await _state.WriteStateAsync().ConfigureAwait(false);
        }

        return Copy();
    }

    /// <inheritdoc />
    public async ValueTask<bool> PauseAsync(string reason)
    {
        if (State.Status is not (CampaignStatus.Scheduled or CampaignStatus.Running))
        {
            return false;
        }

        State.Status = CampaignStatus.Paused;
        State.PauseReason = reason;
        await _state.WriteStateAsync().ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> ResumeAsync(DateTimeOffset now)
    {
        if (State.Status != CampaignStatus.Paused)
        {
            return false;
        }

        State.Status = State.StartedAt is null && now < State.StartAt ? CampaignStatus.Scheduled : CampaignStatus.Running;
        State.PauseReason = null;
        await _state.WriteStateAsync().ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask<bool> CancelAsync(DateTimeOffset at)
    {
        if (State.Status is CampaignStatus.Completed or CampaignStatus.Cancelled or CampaignStatus.Expired)
        {
            return false;
        }

        State.Status = CampaignStatus.Cancelled;
        State.FinishedAt = at;
        await _state.WriteStateAsync().ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async ValueTask FinishAsync(CampaignStatus status, DateTimeOffset at)
    {
        if (State.Status == CampaignStatus.Running)
        {
            State.Status = status;
            State.FinishedAt = at;
            await _state.WriteStateAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask CheckpointAsync(int seq)
    {
        if (seq > State.Checkpoint)
        {
            State.Checkpoint = seq;
            await _state.WriteStateAsync().ConfigureAwait(false);
        }
    }

    private CampaignState Copy() => new()
    {
        PhoneNumberId = State.PhoneNumberId,
        WabaId = State.WabaId,
        TemplateName = State.TemplateName,
        TemplateLanguage = State.TemplateLanguage,
        TemplateJson = State.TemplateJson,
        Category = State.Category,
        HighPriority = State.HighPriority,
        BizOpaqueCallbackData = State.BizOpaqueCallbackData,
        CallbackUrl = State.CallbackUrl,
        StartAt = State.StartAt,
        ExpiresAt = State.ExpiresAt,
        CreatedAt = State.CreatedAt,
        StartedAt = State.StartedAt,
        FinishedAt = State.FinishedAt,
        Status = State.Status,
        PauseReason = State.PauseReason,
        Rows = State.Rows,
        Recipients = State.Recipients,
        Invalid = State.Invalid,
        Duplicates = State.Duplicates,
        Checkpoint = State.Checkpoint,
        Exists = State.Exists,
    };
}
