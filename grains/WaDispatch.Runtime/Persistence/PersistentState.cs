using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace WaDispatch.Runtime.Persistence;

/// <summary>A persistent state kept as JSON in an <see cref="IGrainStorage"/>.</summary>
internal sealed class PersistentState<TState> : IPersistentState<TState>, IPersistentStateLoader
    where TState : new()
{
    private readonly IGrainStorage _storage;
    private readonly GrainStateId _id;
    private readonly JsonTypeInfo<TState> _typeInfo;
    private long? _version;

    public PersistentState(IGrainStorage storage, GrainStateId id, JsonTypeInfo<TState> typeInfo)
    {
        _storage = storage;
        _id = id;
        _typeInfo = typeInfo;
    }

    public TState State { get; set; } = new();

    public string? Etag => _version?.ToString(CultureInfo.InvariantCulture);

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync(CancellationToken cancellationToken = default)
    {
        var stored = await _storage.ReadAsync(_id, cancellationToken).ConfigureAwait(false);
        _version = stored.Version;
        RecordExists = stored.Payload is not null;
        State = stored.Payload is null ? new TState() : JsonSerializer.Deserialize(stored.Payload, _typeInfo) ?? new TState();
    }

    public async Task WriteStateAsync(CancellationToken cancellationToken = default)
    {
        var payload = JsonSerializer.Serialize(State, _typeInfo);
        _version = await _storage.WriteAsync(_id, payload, _version, cancellationToken).ConfigureAwait(false);
        RecordExists = true;
    }

    public async Task ClearStateAsync(CancellationToken cancellationToken = default)
    {
        _version = await _storage.ClearAsync(_id, _version, cancellationToken).ConfigureAwait(false);
        RecordExists = false;
        State = new TState();
    }
}
