using WaDispatch.Storage.Budgets;

namespace WaDispatch.Grains.Budgets;

/// <summary>
/// Group commit for budget counts: counts recorded while a write is running go together in the next
/// one, so durability costs one transaction per group, not per recipient. One write in flight at a time.
/// </summary>
internal sealed class BudgetWriter
{
    private readonly MessagingBudgetStore _store;
    private readonly Lock _lock = new();
    private List<BudgetEntry> _pending = [];
    private TaskCompletionSource _pendingCommitted = NewCommit();
    private Task _writing = Task.CompletedTask;
    private bool _running;

    public BudgetWriter(MessagingBudgetStore store) => _store = store;

    /// <summary>Queues <paramref name="entry"/>; the task completes when it is committed, or fails with the write.</summary>
    public Task Record(BudgetEntry entry)
    {
        lock (_lock)
        {
            _pending.Add(entry);
            var committed = _pendingCommitted.Task;
            if (!_running)
            {
                _running = true;
                _writing = Task.Run(WriteLoopAsync);
            }

            return committed;
        }
    }

    /// <summary>Completes when everything recorded so far is written (or failed).</summary>
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
            List<BudgetEntry> batch;
            TaskCompletionSource committed;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _running = false;
                    return;
                }

                (batch, _pending) = (_pending, []);
                (committed, _pendingCommitted) = (_pendingCommitted, NewCommit());
            }

            try
            {
                await _store.WriteAsync(batch).ConfigureAwait(false);
                committed.SetResult();
            }
            catch (Exception ex)
            {
                committed.SetException(ex);
            }
        }
    }

    private static TaskCompletionSource NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
