namespace WaDispatch.Grains.Recipients;

/// <summary>
/// What a recipient remembers across activations: facts from the user and from Meta, each with its
/// time so that a late event never overrides a newer one. The pair pacer's schedule is not kept: it
/// changes with every send, and writing it would cost a write per message.
/// </summary>
public sealed class RecipientState
{
    /// <summary>The timestamp of the user's latest message: the window is open for 24 h from it.</summary>
    public DateTimeOffset? LastInboundAt { get; set; }

    /// <summary>Meta told us the window was closed at this instant (a 131047); a later message reopens it.</summary>
    public DateTimeOffset? WindowClosedAt { get; set; }

    /// <summary>Whether the user stopped marketing messages (user_preferences, or a 131050).</summary>
    public bool MarketingOptedOut { get; set; }

    /// <summary>When the latest marketing preference was expressed.</summary>
    public DateTimeOffset? MarketingPreferenceAt { get; set; }

    /// <summary>Whether the user opted out by keyword.</summary>
    public bool KeywordOptedOut { get; set; }

    /// <summary>The keyword of the latest keyword event.</summary>
    public string? Keyword { get; set; }

    /// <summary>When the latest keyword event was sent.</summary>
    public DateTimeOffset? KeywordAt { get; set; }

    /// <summary>No marketing template before this instant (a 131049 plus 24 h).</summary>
    public DateTimeOffset? MarketingCapUntil { get; set; }

    /// <summary>Meta could not deliver to this user (131026); campaigns skip them until this instant.</summary>
    public DateTimeOffset? UndeliverableUntil { get; set; }

    /// <summary>No message to this pair before this instant (a 131056 snooze).</summary>
    public DateTimeOffset? PairSnoozedUntil { get; set; }

    /// <summary>131056s in a row: the next snooze is 4 to this power seconds.</summary>
    public int PairSnoozes { get; set; }

    /// <summary>When the latest 131056, or the accepted send that ended a series, happened: older events are late and ignored.</summary>
    public DateTimeOffset? PairEventAt { get; set; }
}
