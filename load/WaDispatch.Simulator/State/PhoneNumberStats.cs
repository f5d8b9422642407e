namespace WaDispatch.Simulator.State;

/// <summary>What <c>GET /_sim/phone-numbers/{id}/stats</c> answers.</summary>
/// <param name="PhoneNumberId">The number.</param>
/// <param name="MessagesPerSecond">Its throughput.</param>
/// <param name="AcceptedTotal">Outbound messages accepted.</param>
/// <param name="InboundTotal">Inbound messages simulated.</param>
/// <param name="RejectedTotal">Sends rejected.</param>
/// <param name="RejectedByCode">Sends rejected, by error code.</param>
/// <param name="MaxInSlidingSecond">The largest count, outbound plus inbound, in any sliding one-second window.</param>
/// <param name="PerSecond">Accepted outbound messages per wall-clock second over the last minute.</param>
public sealed record PhoneNumberStats(
    string PhoneNumberId,
    int MessagesPerSecond,
    long AcceptedTotal,
    long InboundTotal,
    long RejectedTotal,
    Dictionary<string, long> RejectedByCode,
    int MaxInSlidingSecond,
    IReadOnlyList<SecondCount> PerSecond);
