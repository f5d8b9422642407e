using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace WaDispatch.Storage;

/// <summary>
/// Group commit: items handed in while a write runs go together in the next one, so durability costs one
/// transaction per group, not per item. One write in flight at a time; each item gets its own result.
/// </summary>
/// <typeparam name="TItem">What is written.</typeparam>
/// <typeparam name="TResult">What writing one item gives back.</typeparam>
public sealed class GroupCommit<TItem, TResult>
{
    private readonly Func<IReadOnlyList<TItem>, Task<TResult[]>> _write;
    private readonly int _maxGroup;
    private readonly KeyValuePair<string, object?> _name;
    private readonly Lock _lock = new();
    private List<(TItem Item, TaskCompletionSource<TResult> Done)> _pending = [];
    private Task _writing = Task.CompletedTask;
    private bool _running;

    /// <summary>Creates a group commit over <paramref name="write"/>, which writes a group in one transaction and returns one result per item, in order.</summary>
    /// <param name="write">Writes one group.</param>
    /// <param name="name">What it writes, for its metrics (e.g. <c>ledger</c>).</param>
    /// <param name="maxGroup">The most items in one transaction.</param>
    public GroupCommit(Func<IReadOnlyList<TItem>, Task<TResult[]>> write, string name, int maxGroup = 2000)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroup, 1);
        _write = write;
        _name = new KeyValuePair<string, object?>("store", name);
        _maxGroup = maxGroup;
    }

    /// <summary>Queues <paramref name="item"/>; the task completes with its result once its group is committed, or fails with the group's write.</summary>
    public Task<TResult> Add(TItem item)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _pending.Add((item, done));
            if (!_running)
            {
                _running = true;
                _writing = Task.Run(WriteLoopAsync);
            }
        }

        return done.Task;
    }

    /// <summary>Completes when everything added so far is written (or failed).</summary>
    public Task FlushAsync()
    {
        lock (_lock)
        {
            return _writing;
        }
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            List<(TItem Item, TaskCompletionSource<TResult> Done)> group;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                if (_pending.Count <= _maxGroup)
                {
                    (group, _pending) = (_pending, []);
                }
                else
                {
                    group = _pending[.._maxGroup];
                    _pending.RemoveRange(0, _maxGroup);
                }
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var results = await _write(group.ConvertAll(g => g.Item)).ConfigureAwait(false);
                StorageMetrics.GroupSize.Record(group.Count, _name);
                StorageMetrics.GroupDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _name);
                for (var i = 0; i < group.Count; i++)
                {
                    group[i].Done.SetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in group)
                {
                    done.SetException(ex);
                }
            }
        }
    }
}

/// <summary>Storage's instruments, on the <see cref="MeterName"/> meter: group-commit sizes and durations by store.</summary>
public static class StorageMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "WaDispatch.Storage";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Items per group commit.</summary>
    internal static readonly Histogram<int> GroupSize = Meter.CreateHistogram<int>("wadispatch.storage.group.size", "{item}", "Items written per group commit, by store.");

    /// <summary>How long a group commit's transaction took.</summary>
    internal static readonly Histogram<double> GroupDuration = Meter.CreateHistogram<double>("wadispatch.storage.group.duration", "s", "Duration of a group commit's transaction, by store.");
}
