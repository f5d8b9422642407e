namespace WaDispatch.Grains.Lanes;

/// <summary>
/// One business phone number's sending lane (key: phone_number_id): paces sends to its throughput
/// tier, serves them by priority and fairly between campaigns, and reacts to what Meta answers.
/// </summary>
/// <remarks>
/// A number seen for the first time gets a lane at the default tier. Sends go upstream outside the
/// grain's turns, a bounded number at a time; each send's <see cref="OutboundSend.Completion"/> reports
/// how it ended.
/// </remarks>
public interface IPhoneNumberGrain
{
    /// <summary>Queues a send. It waits for its permit, priority and fair share; it never waits past its expiry.</summary>
    ValueTask EnqueueAsync(OutboundSend send);

    /// <summary>Queues many sends in one turn (a campaign's next window), in their order.</summary>
    ValueTask EnqueueAsync(IReadOnlyList<OutboundSend> sends);

    /// <summary>Replaces the lane's configuration; a new tier takes effect from the next permit.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    ValueTask<LaneSnapshot> ConfigureAsync(LaneConfiguration configuration);

    /// <summary>Changes only the tier (a throughput-upgrade webhook); queued sends keep their places.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tier is out of range.</exception>
    ValueTask<LaneSnapshot> SetThroughputAsync(int throughputMps);

    /// <summary>Ends a stop (or a pause) of the lane: an operator dealt with its reason.</summary>
    ValueTask<LaneSnapshot> ResumeAsync();

    /// <summary>Reports inbound messages, which use the same tier at Meta: the lane sends that many fewer.</summary>
    ValueTask RecordInboundAsync(int count);

    /// <summary>The business whose messaging limit this number draws on (its configured business, else the number itself) and its WABA.</summary>
    ValueTask<LaneRoute> GetRouteAsync();

    /// <summary>The lane as an operator sees it.</summary>
    ValueTask<LaneSnapshot> GetSnapshotAsync();
}
