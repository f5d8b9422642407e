namespace WaDispatch.Runtime.Activations;

/// <summary>
/// A small bounded pool for queued call items, so that a steady stream of queued calls allocates
/// nothing. Renting is lock-free; returning may, rarely, lose an item to a race, which only costs a
/// later allocation.
/// </summary>
internal sealed class WorkItemPool<T>
    where T : class
{
    private readonly T?[] _items = new T?[Environment.ProcessorCount * 16];
    private T? _first;

    public T? TryRent()
    {
        var item = _first;
        if (item is not null && Interlocked.CompareExchange(ref _first, null, item) == item)
        {
            return item;
        }

        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            item = items[i];
            if (item is not null && Interlocked.CompareExchange(ref items[i], null, item) == item)
            {
                return item;
            }
        }

        return null;
    }

    public void Return(T item)
    {
        if (_first is null)
        {
            _first = item;
            return;
        }

        var items = _items;
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is null)
            {
                items[i] = item;
                return;
            }
        }
    }
}
