using WaDispatch.CloudApi.Templates;
using WaDispatch.Runtime;
using WaDispatch.Runtime.Persistence;

namespace WaDispatch.Grains.Templates;

/// <summary>A WABA's template catalog: small (hundreds of templates), read on every template send, written on syncs and webhooks.</summary>
public sealed class TemplateCatalogGrain : Grain, ITemplateCatalogGrain
{
    private readonly IPersistentState<TemplateCatalogState> _state;
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Creates the grain; the runtime calls this through the registration in <c>AddWaDispatchGrains</c>.</summary>
    public TemplateCatalogGrain(IPersistentState<TemplateCatalogState> state) => _state = state;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        Reindex();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask ReplaceAsync(IReadOnlyList<MessageTemplate> templates, DateTimeOffset syncedAt)
    {
        ArgumentNullException.ThrowIfNull(templates);
        var state = _state.State;
        state.Templates = [.. templates.Where(t => t is { Name.Length: > 0, Language.Length: > 0 })];
        state.SyncedAt = syncedAt;

        // A webhook newer than this read stays applied; the read itself is as new as its time.
        foreach (var key in state.EventTimes.Where(e => e.Value <= syncedAt).Select(e => e.Key).ToList())
        {
            state.EventTimes.Remove(key);
        }

        Reindex();
        await _state.WriteStateAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask<TemplateLookup> LookupAsync(string name, string language) =>
        ValueTask.FromResult(new TemplateLookup(_index.TryGetValue(Key(name, language), out var i) ? _state.State.Templates[i] : null, _state.State.SyncedAt is not null));

    /// <inheritdoc />
    public ValueTask ApplyStatusAsync(string name, string language, string status, DateTimeOffset at) =>
        Apply(name, language, at, t => t with { Status = status });

    /// <inheritdoc />
    public ValueTask ApplyCategoryAsync(string name, string language, string category, DateTimeOffset at) =>
        Apply(name, language, at, t => t with { Category = category });

    /// <inheritdoc />
    public ValueTask<TemplateCatalogSnapshot> GetSnapshotAsync() =>
        ValueTask.FromResult(new TemplateCatalogSnapshot(GrainKey, _state.State.SyncedAt, [.. _state.State.Templates]));

    private async ValueTask Apply(string name, string language, DateTimeOffset at, Func<MessageTemplate, MessageTemplate> change)
    {
        var key = Key(name, language);
        var state = _state.State;
        // Webhook times are whole seconds: within one second, events apply in their order of arrival.
        if (!_index.TryGetValue(key, out var i)
            || (state.EventTimes.TryGetValue(key, out var last) && at < last)
            || (state.SyncedAt is { } synced && at < DateTimeOffset.FromUnixTimeSeconds(synced.ToUnixTimeSeconds())))
        {
            // Unknown here (the next sync brings it), or older than what is known.
            return;
        }

        state.Templates[i] = change(state.Templates[i]);
        state.EventTimes[key] = at;
        await _state.WriteStateAsync().ConfigureAwait(false);
    }

    private void Reindex()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var templates = _state.State.Templates;
        for (var i = 0; i < templates.Count; i++)
        {
            index[Key(templates[i].Name!, templates[i].Language!)] = i;
        }

        _index = index;
    }

    private static string Key(string name, string language) => string.Concat(name, "/", language);
}
