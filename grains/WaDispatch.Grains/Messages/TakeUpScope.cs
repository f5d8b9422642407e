namespace WaDispatch.Grains.Messages;

/// <summary>Which of a number's open messages a lane takes up from the ledger.</summary>
public enum TakeUpScope
{
    /// <summary>All of them: the lane has just activated and holds nothing.</summary>
    Activation,

    /// <summary>Those whose retry time has come.</summary>
    Due,

    /// <summary>All of them that the lane does not hold: ones an earlier take-up left to whoever was carrying them.</summary>
    Recheck,
}

/// <summary>What a take-up did: how many messages it took to the lane, and whether it read to the end of what was there.</summary>
/// <param name="Dispatched">Messages it took to the lane.</param>
/// <param name="CaughtUp">It read every message there was (a fill that stopped at its limit did not).</param>
/// <param name="Failed">The ledger could not be read; the lane tries again later.</param>
public readonly record struct TakeUpResult(int Dispatched, bool CaughtUp, bool Failed = false);
