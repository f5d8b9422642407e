namespace WaDispatch.Grains.Recipients;

/// <summary>What a recipient remembers, as an operator sees it.</summary>
/// <param name="PhoneNumberId">The business number.</param>
/// <param name="WaId">The user.</param>
/// <param name="LastInboundAt">The timestamp of the user's latest message.</param>
/// <param name="WindowOpenUntil">Until when the customer-service window is open; null when it is closed.</param>
/// <param name="MarketingOptedOut">Whether the user stopped marketing messages.</param>
/// <param name="MarketingPreferenceAt">When they last said so either way.</param>
/// <param name="KeywordOptedOut">Whether the user opted out by keyword.</param>
/// <param name="KeywordAt">When they last sent an opt-out or opt-in keyword.</param>
/// <param name="MarketingCapUntil">No marketing template before this instant.</param>
/// <param name="UndeliverableUntil">Skipped as undeliverable until this instant.</param>
/// <param name="PairSnoozedUntil">No message before this instant (131056).</param>
[GenerateSerializer]
[Alias("wadispatch.RecipientSnapshot")]
public sealed record RecipientSnapshot(
    string PhoneNumberId,
    string WaId,
    DateTimeOffset? LastInboundAt,
    DateTimeOffset? WindowOpenUntil,
    bool MarketingOptedOut,
    DateTimeOffset? MarketingPreferenceAt,
    bool KeywordOptedOut,
    DateTimeOffset? KeywordAt,
    DateTimeOffset? MarketingCapUntil,
    DateTimeOffset? UndeliverableUntil,
    DateTimeOffset? PairSnoozedUntil);
