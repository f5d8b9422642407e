namespace WaDispatch.Runtime.Tests.Grains;

public sealed class CounterState
{
    public int Count { get; set; }
}
