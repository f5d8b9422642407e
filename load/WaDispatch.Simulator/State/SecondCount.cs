namespace WaDispatch.Simulator.State;

/// <summary>Accepted messages in one wall-clock second.</summary>
/// <param name="Second">Unix seconds.</param>
/// <param name="Accepted">Messages accepted in it.</param>
public sealed record SecondCount(long Second, int Accepted);
