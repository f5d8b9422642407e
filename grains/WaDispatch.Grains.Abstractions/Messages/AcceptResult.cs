using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Grains.Messages;

/// <summary>What submitting a message gave.</summary>
/// <param name="Message">The accepted message (for a replay, the one first accepted under the key); null when refused.</param>
/// <param name="Replayed">The idempotency key had been used: nothing new was accepted or sent.</param>
/// <param name="Error">Why it was refused (bad request, key reused for another request); nothing was accepted.</param>
[GenerateSerializer]
[Alias("wadispatch.AcceptResult")]
public sealed record AcceptResult(MessageView? Message, bool Replayed, CloudApiError? Error);
