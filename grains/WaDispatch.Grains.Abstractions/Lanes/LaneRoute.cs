namespace WaDispatch.Grains.Lanes;

/// <summary>Where a number's sends are accounted: its business's messaging limit and its WABA's templates.</summary>
/// <param name="BusinessId">The business portfolio; the number itself when none is configured.</param>
/// <param name="WabaId">The WhatsApp Business Account; null when none is configured (templates are then not checked locally).</param>
[GenerateSerializer]
[Alias("wadispatch.LaneRoute")]
public sealed record LaneRoute(string BusinessId, string? WabaId);
