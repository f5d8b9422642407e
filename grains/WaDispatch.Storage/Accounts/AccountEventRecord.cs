namespace WaDispatch.Storage.Accounts;

/// <summary>One account webhook change in the ledger of account events.</summary>
/// <param name="WabaId">The WABA it concerns.</param>
/// <param name="Field">The webhook field.</param>
/// <param name="OccurredAt">When Meta says it happened.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Value">The change's value, as JSON.</param>
public sealed record AccountEventRecord(string WabaId, string Field, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, string Value);
