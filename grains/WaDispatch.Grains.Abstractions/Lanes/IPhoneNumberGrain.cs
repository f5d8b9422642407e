namespace WaDispatch.Grains.Lanes;

/// <summary>
/// One business phone number's sending lane (key: phone_number_id): paces sends to its throughput
/// tier, serves them by priority and fairly between campaigns, and reacts to what Meta answers.
/// </summary>
/// <remarks>
/// A number seen for the first time gets a lane at the default tier. Sends go upstream outside the grain's turns,
/// from the lane's pump, a bounded number at a time; the lane records how each message of the ledger ends. When the
/// lane activates it takes up its number's accepted-but-unsent messages from the ledger, so nothing it held is lost
/// when its silo stops or dies.
/// </remarks>
[Alias("wadispatch.IPhoneNumberGrain")]
public interface IPhoneNumberGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues admitted sends, in their order (a campaign's next window, or one message). Each waits for its permit,
    /// priority and fair share; none waits past its expiry. Returns how many more sends the lane's window has room for:
    /// 0 when it is full or the lane still has parked messages to read. The caller then parks the number's next queued
    /// templates in the ledger (due at once) and tells the lane with <see cref="ParkedAsync"/> once the sends it has on
    /// their way here arrived; otherwise it sends at most that many on their way before the lane answers again.
    /// </summary>
    /// <remarks>
    /// A new alias for a new answer (it answered nothing, then whether it was full): a call between silos of two versions
    /// fails before the lane queues anything, and the message stays accepted for its lane to take up, rather than fail on
    /// the answer after the lane had queued it.
    /// </remarks>
    [Alias("EnqueueRoom")]
    ValueTask<int> EnqueueAsync(IReadOnlyList<LaneSend> sends);

    /// <summary>
    /// Messages of this number were parked in the ledger (accepted, due at once) because this lane had no room for them
    /// as far as the accepting silo knew: it reads them as it drains, most urgent class first and in acceptance order within it. (A new alias: it answered a
    /// <c>bool</c> before.)
    /// </summary>
    [Alias("ParkedTold")]
    ValueTask ParkedAsync();

    /// <summary>
    /// Queues one admitted send and waits until it leaves the lane: sent, failed, expired, or abandoned when the lane
    /// goes away first. For the Cloud API route, whose caller waits for Meta's answer.
    /// </summary>
    /// <remarks>Interleaves with every other call: it only waits, and the lane goes on serving while it does.</remarks>
    [Alias("Send")]
    [AlwaysInterleave]
    [ResponseTimeout("00:01:00")]
    ValueTask<SendOutcome> SendAsync(LaneSend send);

    /// <summary>
    /// Its silo is stopping (called by the silo, before Orleans deactivates its grains): the lane stops taking sends, and every send still queued ends as abandoned (each stays
    /// accepted in the ledger, for the lane's next activation), so that no caller of <see cref="SendAsync"/> is left
    /// waiting — a call still waiting would keep the lane from deactivating.
    /// </summary>
    /// <remarks>Interleaves: it must reach the lane while callers of <see cref="SendAsync"/> wait in it.</remarks>
    [Alias("Release")]
    [AlwaysInterleave]
    ValueTask ReleaseAsync();

    /// <summary>Replaces the lane's configuration; a new tier takes effect from the next permit.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it.</exception>
    [Alias("Configure")]
    ValueTask<LaneSnapshot> ConfigureAsync(LaneConfiguration configuration);

    /// <summary>Changes only the tier (a throughput-upgrade webhook); queued sends keep their places.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tier is out of range.</exception>
    [Alias("SetThroughput")]
    ValueTask<LaneSnapshot> SetThroughputAsync(int throughputMps);

    /// <summary>Ends every stop (its own and its account's) and a pause of the lane: an operator dealt with the reason.</summary>
    [Alias("Resume")]
    ValueTask<LaneSnapshot> ResumeAsync();

    /// <summary>
    /// Stops the lane for a reason outside its own sends (its WABA was banned or restricted) until the account recovers
    /// (<see cref="ResumeIfStoppedByAsync"/>) or an operator resumes it; its sends wait (and expire). The stop outlives
    /// restarts, and is kept apart from a stop the lane's own sends made.
    /// </summary>
    [Alias("Stop")]
    ValueTask<LaneSnapshot> StopAsync(LaneStopReason reason);

    /// <summary>Ends the account's stop when its code is one of <paramref name="codes"/> (the reason behind it is gone); the lane's own stop or a pause stays.</summary>
    [Alias("ResumeIfStoppedBy")]
    ValueTask<LaneSnapshot> ResumeIfStoppedByAsync(IReadOnlyList<int> codes);

    /// <summary>Reports inbound messages, which use the same tier at Meta: the lane sends that many fewer.</summary>
    [Alias("RecordInbound")]
    ValueTask RecordInboundAsync(int count);

    /// <summary>
    /// Messages of this number wait in the ledger until <paramref name="at"/> (a limit that passes, a campaign paused):
    /// the lane takes them up then, and stays reachable until it has.
    /// </summary>
    [Alias("WakeAt")]
    ValueTask WakeAtAsync(DateTimeOffset at);

    /// <summary>
    /// Open messages of this number were left alone at a take-up because someone may still have been carrying them:
    /// at <paramref name="at"/> the lane looks at its number's open messages again and takes up those it does not hold.
    /// </summary>
    [Alias("RecheckAt")]
    ValueTask RecheckAtAsync(DateTimeOffset at);

    /// <summary>Which of <paramref name="messageIds"/> the lane does not hold (neither queued nor upstream).</summary>
    /// <remarks>Read-only: looks the ids up, changes nothing.</remarks>
    [Alias("Unheld")]
    [ReadOnly]
    ValueTask<IReadOnlyList<string>> UnheldAsync(IReadOnlyList<string> messageIds);

    /// <summary>Activates the lane, which takes up its number's open messages from the ledger (used at start-up).</summary>
    [Alias("Wake")]
    ValueTask WakeAsync();

    /// <summary>The business whose messaging limit this number draws on (its configured business, else the number itself) and its WABA.</summary>
    /// <remarks>Read-only: reads settings, changes nothing.</remarks>
    [Alias("GetRoute")]
    [ReadOnly]
    ValueTask<LaneRoute> GetRouteAsync();

    /// <summary>The lane as an operator sees it.</summary>
    /// <remarks>Read-only: builds a snapshot, changes nothing.</remarks>
    [Alias("GetSnapshot")]
    [ReadOnly]
    ValueTask<LaneSnapshot> GetSnapshotAsync();

    /// <summary>
    /// The lane's own pump asks for permitted sends: up to a batch of them, and when to ask again. Another
    /// activation's pump gets nothing and stops.
    /// </summary>
    [Alias("Take")]
    ValueTask<LaneBatch> TakeAsync(Guid pump);

    /// <summary>The lane's own pump brings back Meta's answer to a send; the lane says what it did with it.</summary>
    [Alias("Complete")]
    ValueTask<LaneVerdict> CompleteAsync(LaneAnswer answer);
}
