using WaDispatch.CloudApi.Templates;
using Orleans.Runtime;

namespace WaDispatch.Grains.Templates;

/// <summary>A WABA's template catalog: small (hundreds of templates), read on every template send, written on syncs and webhooks.</summary>
public sealed class TemplateCatalogGrain : Grain, ITemplateCatalogGrain
{
    private readonly IPersistentState<TemplateCatalogState> _state;
    private Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Creates the grain; Orleans does, with its state and services.</summary>
    public TemplateCatalogGrain([PersistentState("template-catalog")] IPersistentState<TemplateCatalogState> state) => _state = state;

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
        if (state.SyncedAt is { } current && syncedAt < current)
        {
            // An older read that finished later (syncs may overlap): the catalog does not go back.
            return;
        }

        state.Templates = [.. templates.Where(t => t is { Name.Length: > 0, Language.Length: > 0 })];
        state.SyncedAt = syncedAt;
        Reindex();

        // News newer than the read survives it; older news is in the read already.
        var readAt = WholeSeconds(syncedAt);
        foreach (var (key, change) in state.Changes.ToList())
        {
            if (change.StatusAt < readAt)
            {
                (change.Status, change.StatusAt) = (null, null);
            }

            if (change.CategoryAt < readAt)
            {
                (change.Category, change.CategoryAt) = (null, null);
            }

            if (change.StatusAt is null && change.CategoryAt is null)
            {
                state.Changes.Remove(key);
            }
            else if (_index.TryGetValue(key, out var i))
            {
                state.Templates[i] = state.Templates[i] with { Status = change.Status ?? state.Templates[i].Status, Category = change.Category ?? state.Templates[i].Category };
            }
        }

        await _state.WriteStateAsync();
    }

    /// <inheritdoc />
    public ValueTask<TemplateLookup> LookupAsync(string name, string language) =>
        ValueTask.FromResult(new TemplateLookup(_index.TryGetValue(Key(name, language), out var i) ? _state.State.Templates[i] : null, _state.State.SyncedAt is not null));

    /// <inheritdoc />
    public ValueTask ApplyStatusAsync(string name, string language, string status, DateTimeOffset at) =>
        Apply(name, language, at, c => c.StatusAt, (c, t) => (c.Status, c.StatusAt) = (status, at), t => t with { Status = status });

    /// <inheritdoc />
    public ValueTask ApplyCategoryAsync(string name, string language, string category, DateTimeOffset at) =>
        Apply(name, language, at, c => c.CategoryAt, (c, t) => (c.Category, c.CategoryAt) = (category, at), t => t with { Category = category });

    /// <inheritdoc />
    public ValueTask<TemplateCatalogSnapshot> GetSnapshotAsync() =>
        ValueTask.FromResult(new TemplateCatalogSnapshot(this.GetPrimaryKeyString(), _state.State.SyncedAt, [.. _state.State.Templates]));

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => DateTimeOffset.FromUnixTimeSeconds(time.ToUnixTimeSeconds());

    private async ValueTask Apply(
        string name,
        string language,
        DateTimeOffset at,
        Func<TemplateChange, DateTimeOffset?> lastOf,
        Action<TemplateChange, DateTimeOffset> record,
        Func<MessageTemplate, MessageTemplate> change)
    {
        var key = Key(name, language);
        var state = _state.State;
        var news = state.Changes.GetValueOrDefault(key) ?? new TemplateChange();

        // Webhook times are whole seconds: within one second, events apply in their order of arrival.
        if (!_index.TryGetValue(key, out var i)
            || lastOf(news) is { } last && at < last
            || state.SyncedAt is { } synced && at < WholeSeconds(synced))
        {
            // Unknown here (the next sync brings it), or older than what is known.
            return;
        }

        record(news, at);
        state.Changes[key] = news;
        state.Templates[i] = change(state.Templates[i]);
        await _state.WriteStateAsync();
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
