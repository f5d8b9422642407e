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
