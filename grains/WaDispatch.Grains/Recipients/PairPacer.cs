namespace WaDispatch.Grains.Recipients;

/// <summary>
/// The pair rate as a generic cell-rate algorithm: one message per interval on average, with bursts
/// of up to <c>burst</c> borrowed from the future. Reserving gives the earliest instant a message conforms.
/// </summary>
internal sealed class PairPacer(TimeSpan interval, int burst)
{
    private readonly TimeSpan _tolerance = interval * (burst - 1);
    private DateTimeOffset _theoreticalArrival = DateTimeOffset.MinValue;

    /// <summary>The earliest instant at or after <paramref name="earliest"/> a message conforms, without reserving it.</summary>
    public DateTimeOffset Peek(DateTimeOffset earliest) =>
        _theoreticalArrival == DateTimeOffset.MinValue || _theoreticalArrival - _tolerance <= earliest ? earliest : _theoreticalArrival - _tolerance;

    /// <summary>Until when the pace remembers a send: from then on a new pacer (a new activation) would decide the same.</summary>
    public DateTimeOffset Until => _theoreticalArrival;

    /// <summary>Reserves the slot <see cref="Peek"/> gave.</summary>
    public void Reserve(DateTimeOffset at) =>
        _theoreticalArrival = (_theoreticalArrival > at ? _theoreticalArrival : at) + interval;
}
