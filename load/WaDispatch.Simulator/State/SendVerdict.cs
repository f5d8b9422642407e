namespace WaDispatch.Simulator.State;

/// <summary>What a simulated number decided about one send.</summary>
/// <param name="ErrorCode">The rejection code, or null when accepted.</param>
/// <param name="Scripted">The scripted failure that answered, if one did.</param>
/// <param name="MarketingStopped">Whether the user had stopped marketing when it was accepted.</param>
internal readonly record struct SendVerdict(int? ErrorCode, ScriptedFailure? Scripted, bool MarketingStopped);
