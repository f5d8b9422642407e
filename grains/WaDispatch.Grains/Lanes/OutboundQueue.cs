namespace WaDispatch.Grains.Lanes;

/// <summary>
/// A lane's waiting sends: strict priority between classes, round-robin between flows (campaigns)
/// within a class, and a timed holding area for sends that must not go before a given instant.
/// </summary>
/// <remarks>Not thread-safe: the lane uses it inside grain turns only.</remarks>
internal sealed class OutboundQueue
{
    private readonly PriorityClass[] _classes = [new(), new(), new()];
    private readonly PriorityQueue<OutboundSend, long> _held = new();

    /// <summary>Sends ready to go, over all classes.</summary>
    public int ReadyCount => _classes[0].Count + _classes[1].Count + _classes[2].Count;

    /// <summary>Sends held until a later instant (retry backoff, pair snooze).</summary>
    public int HeldCount => _held.Count;

    /// <summary>Every send in the queue.</summary>
    public int Count => ReadyCount + HeldCount;

    /// <summary>Ready sends of one class.</summary>
    public int ReadyIn(SendPriority priority) => _classes[(int)priority].Count;

    /// <summary>The instant the next held send becomes ready, if any is held.</summary>
    public long? NextHeldAt => _held.TryPeek(out _, out var at) ? at : null;

    /// <summary>Adds a new send at the back of its flow.</summary>
    public void Enqueue(OutboundSend send) => _classes[(int)send.Priority].Add(send, atFront: false);

    /// <summary>Puts a send that was taken back at the front of its flow: it keeps its place.</summary>
    public void Return(OutboundSend send) => _classes[(int)send.Priority].Add(send, atFront: true);

    /// <summary>Holds a send until <paramref name="readyAt"/>.</summary>
    public void Hold(OutboundSend send, long readyAt) => _held.Enqueue(send, readyAt);

    /// <summary>Whether a send is ready at <paramref name="now"/>; held sends that came due join the fronts of their flows.</summary>
    public bool HasReady(long now)
    {
        while (_held.TryPeek(out var due, out var at) && at <= now)
        {
            _held.Dequeue();
            _classes[(int)due.Priority].Add(due, atFront: true);
        }

        return ReadyCount > 0;
    }

    /// <summary>Takes the next ready send: the highest class, its next flow in turn.</summary>
    public bool TryDequeue(out OutboundSend send)
    {
        foreach (var priorityClass in _classes)
        {
            if (priorityClass.TryTake(out send))
            {
                return true;
            }
        }

        send = null!;
        return false;
    }

    /// <summary>Removes and returns every send that matches <paramref name="predicate"/> (expired ones, or all on shutdown).</summary>
    public List<OutboundSend> RemoveAll(Func<OutboundSend, bool> predicate)
    {
        var removed = new List<OutboundSend>();
        foreach (var priorityClass in _classes)
        {
            priorityClass.RemoveAll(predicate, removed);
        }

        if (_held.Count > 0)
        {
            var kept = new List<(OutboundSend, long)>(_held.Count);
            while (_held.TryDequeue(out var send, out var at))
            {
                if (predicate(send))
                {
                    removed.Add(send);
                }
                else
                {
                    kept.Add((send, at));
                }
            }

            _held.EnqueueRange(kept);
        }

        return removed;
    }

    /// <summary>One priority class: a ring of flows, each a FIFO of sends.</summary>
    private sealed class PriorityClass
    {
        private readonly Dictionary<string, LinkedList<OutboundSend>> _flows = new(StringComparer.Ordinal);
        private readonly Queue<LinkedList<OutboundSend>> _ring = new();

        public int Count { get; private set; }

        public void Add(OutboundSend send, bool atFront)
        {
            if (!_flows.TryGetValue(send.Flow, out var flow))
            {
                flow = new LinkedList<OutboundSend>();
                _flows.Add(send.Flow, flow);
                _ring.Enqueue(flow);
            }

            if (atFront)
            {
                flow.AddFirst(send);
            }
            else
            {
                flow.AddLast(send);
            }

            Count++;
        }

        public bool TryTake(out OutboundSend send)
        {
            if (!_ring.TryDequeue(out var flow))
            {
                send = null!;
                return false;
            }

            send = flow.First!.Value;
            flow.RemoveFirst();
            Count--;
            if (flow.Count > 0)
            {
                _ring.Enqueue(flow);
            }
            else
            {
                _flows.Remove(send.Flow);
            }

            return true;
        }

        public void RemoveAll(Func<OutboundSend, bool> predicate, List<OutboundSend> removed)
        {
            foreach (var flow in _flows.Values)
            {
                for (var node = flow.First; node is not null;)
                {
                    var next = node.Next;
                    if (predicate(node.Value))
                    {
                        removed.Add(node.Value);
                        flow.Remove(node);
                        Count--;
                    }

                    node = next;
                }
            }

            if (_flows.Values.Any(f => f.Count == 0))
            {
                foreach (var empty in _flows.Where(f => f.Value.Count == 0).Select(f => f.Key).ToList())
                {
                    _flows.Remove(empty);
                }

                var live = _ring.Where(f => f.Count > 0).ToList();
                _ring.Clear();
                foreach (var flow in live)
                {
                    _ring.Enqueue(flow);
                }
            }
        }
    }
}
