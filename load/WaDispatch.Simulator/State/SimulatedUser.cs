namespace WaDispatch.Simulator.State;

/// <summary>What the simulator remembers of one user of one number; guarded by the number's lock.</summary>
internal sealed class SimulatedUser
{
    /// <summary>The pair-rate cell's theoretical arrival time (GCRA), in timestamp ticks.</summary>
    public long TheoreticalArrival;

    /// <summary>When the user last messaged the number.</summary>
    public DateTimeOffset? LastInbound { get; set; }

    /// <summary>Whether the user stopped marketing messages.</summary>
    public bool MarketingStopped { get; set; }
}
