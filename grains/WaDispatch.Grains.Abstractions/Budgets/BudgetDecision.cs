using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Grains.Budgets;

/// <summary>Whether a send may go as far as the messaging limit is concerned.</summary>
/// <param name="Verdict">The answer.</param>
/// <param name="RetryAt">For a deferral or a refusal, when capacity returns.</param>
/// <param name="Error">For a refusal, the Cloud API-shaped error (<see cref="ErrorCodes.MessagingLimitReached"/>).</param>
[GenerateSerializer]
[Alias("wadispatch.BudgetDecision")]
public sealed record BudgetDecision(BudgetVerdict Verdict, DateTimeOffset? RetryAt = null, CloudApiError? Error = null)
{
    /// <summary>Whether the send may go.</summary>
    public bool MaySend => Verdict is BudgetVerdict.Free or BudgetVerdict.Charged;
}
