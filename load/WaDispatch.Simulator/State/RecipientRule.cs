namespace WaDispatch.Simulator.State;

/// <summary>How the simulator treats one user: fail their messages with a code, or delay their statuses.</summary>
/// <param name="FailWith">131026, 131050, 131049 or any code: the message is accepted, then a <c>failed</c> status carries this code.</param>
/// <param name="StatusDelay">Extra delay before this user's statuses.</param>
public sealed record RecipientRule(int? FailWith, TimeSpan StatusDelay);
