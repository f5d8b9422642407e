namespace WaDispatch.Grains.Messages;

/// <summary>
/// Where a direct send's time went inside WaDispatch, besides Meta's answer time: the route reports it in the answer's
/// <c>Server-Timing</c> header, so that a slow answer says which step was slow.
/// </summary>
/// <param name="Accept">The message's acceptance committed in the ledger.</param>
/// <param name="Admit">Admission: the recipient's window, opt-out and pair pace, and the number's budget.</param>
/// <param name="Lane">In its lane, less the ledger and Meta: the queue, the permit, the departure and the calls between the lane and its pump.</param>
/// <param name="Ledger">The lane's ledger commits on the way: the <c>sending</c> mark and Meta's acceptance.</param>
[GenerateSerializer]
[Alias("wadispatch.SendPhases")]
public readonly record struct SendPhases(TimeSpan Accept, TimeSpan Admit, TimeSpan Lane, TimeSpan Ledger);
