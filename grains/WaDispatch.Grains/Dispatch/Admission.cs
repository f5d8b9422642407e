using WaDispatch.Grains.Lanes;

namespace WaDispatch.Grains.Dispatch;

/// <summary>What the recipient's rules and the messaging limit made of a message: a send for its lane, or why not (and until when).</summary>
/// <param name="Lane">The number's lane.</param>
/// <param name="Send">The admitted send, for <paramref name="Lane"/>; null when refused.</param>
/// <param name="Refusal">Why it may not go (skipped, deferred, refused, expired); null when admitted.</param>
/// <param name="Priority">
/// The class it goes in (its campaign's, or its category's as the template catalog knows it): a deferred message waits
/// in the ledger in this class, to be read back before the less urgent ones.
/// </param>
public sealed record Admission(IPhoneNumberGrain Lane, LaneSend? Send, DispatchResult? Refusal, SendPriority Priority);
