namespace WaDispatch.Grains.Messages;

/// <summary>
/// A number's lane as one silo knows it from the lane's answers: how many more queued templates the silo may send it
/// before it parks them in the ledger, and how many it has on their way there (accepted, not parked, still going through
/// admission). Thread-safe; one per number per silo.
/// </summary>
/// <remarks>
/// What keeps the lane's memory to its window (docs/lanes.md, "A backlog beyond the window"):
/// <list type="bullet">
/// <item>The silo sends the lane no more than the room it last answered, counting what is already on its way.</item>
/// <item>Answers are taken in the order their calls began: a call's answer arriving after that of a later call can only
/// lower the room (the continuations of two answers run in either order on a busy machine, and two calls may even reach
/// the lane in either order).</item>
/// <item>A park makes the room 0 at once: the lane has parked messages to read before anything else, and an earlier room
/// would let the next batch through to a lane that is about to read its window from the ledger.</item>
/// <item>A room is believed only from a call that began after the lane heard of every park (a tell answered): until then
/// the lane may answer room it no longer has once it hears.</item>
/// <item>The silo tells the lane of its parks once its sends on their way have reached it (<see cref="OnTheWayAsync"/>,
/// at most <c>Lanes:ParkedTellWait</c>), so that the lane reads the ledger counting them; and it sends nothing to ask
/// again while a tell is waiting.</item>
/// </list>
/// Written for WaDispatch (no library keeps this count): it is the silo's half of the lane's window.
/// </remarks>
internal sealed class LaneParking(TimeProvider time)
{
    private readonly Lock _gate = new();

    // Enqueues begun, and the latest of them whose answer was taken.
    private long _asks;
    private long _applied;

    // Templates parked for the lane, and how many of them the lane has heard of (a tell that began after them answered).
    private long _parks;
    private long _told;

    // The room the lane last answered (0: park), and until when (a timestamp) a 0 holds before the silo asks again.
    private int _room;
    private long _until;

    // Templates sent on their way to the lane without parking them, not there yet; completed when none is.
    private int _onTheWay;
    private TaskCompletionSource? _arrived;

    // 0: no tell on its way; 2: a park waits to be told (the tell waits for the sends on their way, or a park came after
    // the tell on its way began); 1: a tell is on its way, and no park came since it began.
    private int _tell;

    /// <summary>When (a <see cref="TimeProvider"/> timestamp) a template parked for the lane was last logged as not ranked; 0: never.</summary>
    public long UnrankedLoggedAt;

    /// <summary>Templates on their way to the lane (for tests and diagnostics).</summary>
    public int OnTheWay
    {
        get
        {
            lock (_gate)
            {
                return _onTheWay;
            }
        }
    }

    /// <summary>
    /// Takes room for one more queued template, if the lane's last room is more than what is on its way. With no room
    /// answered, once the last "no room" lapsed and no tell is waiting, the silo may send <paramref name="ask"/> to ask
    /// again. False: park the template.
    /// </summary>
    public bool TryReserve(int ask)
    {
        lock (_gate)
        {
            var room = _room;
            if (room == 0 && _tell == 0 && time.GetTimestamp() >= _until)
            {
                room = ask;
            }

            if (_onTheWay >= room)
            {
                return false;
            }

            _onTheWay++;
            return true;
        }
    }

    /// <summary>Gives back the room one template took: it reached the lane, or will not.</summary>
    public void Release()
    {
        lock (_gate)
        {
            if (--_onTheWay == 0 && _arrived is { } arrived)
            {
                _arrived = null;
                arrived.TrySetResult();
            }
        }
    }

    /// <summary>An enqueue to the lane begins: its answer is taken in this order.</summary>
    public LaneAsk Ask()
    {
        lock (_gate)
        {
            return new LaneAsk(++_asks, _parks, _told);
        }
    }

    /// <summary>
    /// The lane answered <paramref name="ask"/> with <paramref name="room"/>: counted as 0 if a park came since the call
    /// began, or before it without the lane having heard of it. An answer to an earlier call than the one last taken can
    /// only lower the room: the two calls may have reached the lane in either order, and the smaller answer is the later
    /// one there. A 0 holds for <paramref name="hold"/>.
    /// </summary>
    public void Answered(LaneAsk ask, int room, TimeSpan hold)
    {
        lock (_gate)
        {
            room = ask.Parks == _parks && ask.Told >= ask.Parks ? room : 0;
            if (ask.Number < _applied)
            {
                room = Math.Min(_room, room);
            }
            else
            {
                _applied = ask.Number;
            }

            _room = room;
            if (room == 0)
            {
                _until = Until(hold);
            }
        }
    }

    /// <summary>A template was parked for the lane (its write committed): no room, held for <paramref name="hold"/>. True: start a tell (none is on its way).</summary>
    public bool Parked(TimeSpan hold)
    {
        lock (_gate)
        {
            _parks++;
            _room = 0;
            _until = Until(hold);
            var start = _tell == 0;
            _tell = 2;
            return start;
        }
    }

    /// <summary>A tell begins (after its wait for the sends on their way): it covers the parks made so far, which it returns; one after it tells again.</summary>
    public long BeginTell()
    {
        lock (_gate)
        {
            _tell = 1;
            return _parks;
        }
    }

    /// <summary>
    /// The lane answered the tell that covered <paramref name="parks"/>: it has heard of them, and reads the ledger (no
    /// room, held for <paramref name="hold"/>). The room is 0 already: every answer since the first of them counted as 0.
    /// </summary>
    public void Told(long parks, TimeSpan hold)
    {
        lock (_gate)
        {
            _told = Math.Max(_told, parks);
            _until = Until(hold);
        }
    }

    /// <summary>The tell is over: true if no park came since it began; otherwise tell again.</summary>
    public bool TellDone()
    {
        lock (_gate)
        {
            if (_tell == 1)
            {
                _tell = 0;
                return true;
            }

            return false;
        }
    }

    /// <summary>
    /// Completes once nothing is on its way to the lane, or after <paramref name="atMost"/>. While a tell waits the silo
    /// sends nothing new (the room is 0 from the park, and it does not ask again), so this only waits for what was sent.
    /// </summary>
    public async Task OnTheWayAsync(TimeSpan atMost)
    {
        Task arrived;
        lock (_gate)
        {
            if (_onTheWay == 0)
            {
                return;
            }

            _arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            arrived = _arrived.Task;
        }

        try
        {
            await arrived.WaitAsync(atMost, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A send stuck in admission must not keep the lane from reading its backlog.
        }
    }

    private long Until(TimeSpan hold) => time.GetTimestamp() + (long)(hold.TotalSeconds * time.TimestampFrequency);
}

/// <summary>A call to a lane as its silo began it: its place in order, and the parks made and told by then.</summary>
/// <param name="Number">The call's place among the silo's calls to the lane.</param>
/// <param name="Parks">Templates parked for the lane when it began.</param>
/// <param name="Told">Of those, the ones the lane had heard of.</param>
internal readonly record struct LaneAsk(long Number, long Parks, long Told);
