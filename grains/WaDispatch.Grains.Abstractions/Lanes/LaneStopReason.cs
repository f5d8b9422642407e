namespace WaDispatch.Grains.Lanes;

/// <summary>Why a lane stopped: the upstream error that stopped it.</summary>
/// <param name="Code">The Cloud API error code (131048, 368, 131031, 131042, or an auth code).</param>
/// <param name="Title">The error's title.</param>
/// <param name="Details">The error's details.</param>
/// <param name="StoppedAt">When the lane stopped.</param>
[GenerateSerializer]
[Alias("wadispatch.LaneStopReason")]
public sealed record LaneStopReason(int Code, string Title, string? Details, DateTimeOffset StoppedAt);
