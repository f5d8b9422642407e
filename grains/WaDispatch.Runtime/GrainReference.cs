using WaDispatch.Runtime.Activations;

namespace WaDispatch.Runtime;

/// <summary>
/// A reference to one grain: its type and key. Creating one does no work and allocates nothing;
/// the first call activates the grain.
/// </summary>
/// <remarks>
/// Calls take a delegate to the grain method plus its argument, so that a static lambda
/// (<c>static (g, n) => g.AddAsync(n)</c>) makes a call without reflection, proxies or closures.
/// Grain interfaces usually get a thin extension method per call so that callers read
/// <c>counter.AddAsync(5)</c>.
/// </remarks>
/// <typeparam name="TGrain">The grain interface.</typeparam>
public readonly struct GrainReference<TGrain> : IEquatable<GrainReference<TGrain>>
    where TGrain : class
{
    private readonly GrainDirectory<TGrain> _directory;

    internal GrainReference(GrainDirectory<TGrain> directory, string key)
    {
        _directory = directory;
        Key = key;
    }

    /// <summary>The grain key.</summary>
    public string Key { get; }

    /// <summary>Runs <paramref name="method"/> as a non-reentrant turn of the grain.</summary>
    public ValueTask<TResult> InvokeAsync<TResult>(Func<TGrain, ValueTask<TResult>> method) =>
        _directory.InvokeAsync(Key, static (grain, m) => m(grain), method, interleave: false);

    /// <summary>Runs <paramref name="method"/> with <paramref name="arg"/> as a non-reentrant turn of the grain.</summary>
    public ValueTask<TResult> InvokeAsync<TArg, TResult>(Func<TGrain, TArg, ValueTask<TResult>> method, TArg arg) =>
        _directory.InvokeAsync(Key, method, arg, interleave: false);

    /// <summary>Runs <paramref name="method"/> as a non-reentrant turn of the grain.</summary>
    public ValueTask InvokeAsync(Func<TGrain, ValueTask> method) =>
        _directory.InvokeVoidAsync(Key, static (grain, m) => m(grain), method);

    /// <summary>Runs <paramref name="method"/> with <paramref name="arg"/> as a non-reentrant turn of the grain.</summary>
    public ValueTask InvokeAsync<TArg>(Func<TGrain, TArg, ValueTask> method, TArg arg) =>
        _directory.InvokeVoidAsync(Key, method, arg);

    /// <summary>
    /// Runs <paramref name="method"/> interleaved: it does not wait for the current turn, even one
    /// suspended at an await, and may run on another thread at the same time as that turn. Only for
    /// read-only methods, or methods written to be safe alongside a turn. Before the activation is
    /// ready, the call is queued like any other.
    /// </summary>
    public ValueTask<TResult> InvokeInterleavedAsync<TResult>(Func<TGrain, ValueTask<TResult>> method) =>
        _directory.InvokeAsync(Key, static (grain, m) => m(grain), method, interleave: true);

    /// <summary>Runs <paramref name="method"/> with <paramref name="arg"/> interleaved; see <see cref="InvokeInterleavedAsync{TResult}(Func{TGrain, ValueTask{TResult}})"/>.</summary>
    public ValueTask<TResult> InvokeInterleavedAsync<TArg, TResult>(Func<TGrain, TArg, ValueTask<TResult>> method, TArg arg) =>
        _directory.InvokeAsync(Key, method, arg, interleave: true);

    /// <inheritdoc />
    public bool Equals(GrainReference<TGrain> other) =>
        ReferenceEquals(_directory, other._directory) && string.Equals(Key, other.Key, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is GrainReference<TGrain> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_directory, StringComparer.Ordinal.GetHashCode(Key));

    /// <inheritdoc />
    public override string ToString() => $"{_directory.TypeName}/{Key}";

    /// <summary>Compares two references.</summary>
    public static bool operator ==(GrainReference<TGrain> left, GrainReference<TGrain> right) => left.Equals(right);

    /// <summary>Compares two references.</summary>
    public static bool operator !=(GrainReference<TGrain> left, GrainReference<TGrain> right) => !left.Equals(right);
}
