namespace WaDispatch.Simulator.Control;

/// <summary>The answer to <c>POST /_sim/inbound</c>.</summary>
/// <param name="MessageId">The inbound message's <c>wamid</c>.</param>
public sealed record AcceptedInbound(string MessageId);
