using WaDispatch.Grains.Dispatch;
using WaDispatch.Grains.Lanes;

namespace WaDispatch.Silo.Tests;

/// <summary>Sends past the message ledger, for tests of the dispatcher's rules end to end.</summary>
internal static class DispatcherSends
{
    /// <summary>
    /// Admits <paramref name="request"/> as the message service does and, when it may go, hands it to its lane and waits
    /// for how it ended. The send is not in the ledger: what is tested is the admission and Meta's answer.
    /// </summary>
    public static async Task<DispatchResult> SendAsync(this MessageDispatcher dispatcher, DispatchRequest request, CancellationToken cancellationToken)
    {
        var admission = await dispatcher.AdmitAsync(request with { Recorded = false });
        if (admission.Refusal is { } refusal)
        {
            return refusal;
        }

        var outcome = await admission.Lane.SendAsync(admission.Send!).AsTask().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        var status = outcome.Status switch
        {
            SendStatus.Sent => DispatchStatus.Sent,
            SendStatus.Expired => DispatchStatus.Expired,
            SendStatus.Abandoned => DispatchStatus.Abandoned,
            _ => DispatchStatus.Failed,
        };
        return new DispatchResult(status, outcome, outcome.Error);
    }
}
