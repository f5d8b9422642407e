namespace WaDispatch.Simulator;

/// <summary>An HTTP answer of the simulator: status, body and content type.</summary>
/// <param name="Status">The HTTP status.</param>
/// <param name="Body">The body.</param>
/// <param name="ContentType">The body's content type.</param>
public sealed record SimulatorReply(int Status, byte[] Body, string ContentType = "application/json");
