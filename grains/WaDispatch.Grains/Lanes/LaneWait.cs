namespace WaDispatch.Grains.Lanes;

/// <summary>What the lane's pump does after taking sends.</summary>
internal enum LaneWait
{
    /// <summary>Take again at once: there may be more.</summary>
    None,

    /// <summary>Wait for a signal: new work, a freed in-flight slot, a configuration change.</summary>
    Signal,

    /// <summary>Wait until an instant (next permit, held send, end of a pause), or a signal.</summary>
    Until,
}
