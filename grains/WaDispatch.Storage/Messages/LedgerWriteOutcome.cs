namespace WaDispatch.Storage.Messages;

/// <summary>What one <see cref="LedgerWrite"/> did.</summary>
public enum LedgerWriteOutcome
{
    /// <summary>The change was made.</summary>
    Applied,

    /// <summary>The message is there but the change did not apply: a duplicate, or a status behind the current one.</summary>
    Unchanged,

    /// <summary>No such message (for a webhook status: none with that <c>wamid</c>, perhaps not yet recorded).</summary>
    NotFound,
}
