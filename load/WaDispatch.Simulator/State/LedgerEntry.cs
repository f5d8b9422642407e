namespace WaDispatch.Simulator.State;

/// <summary>One accepted message, as the simulator's ledger records it.</summary>
/// <param name="Id">The <c>wamid</c>.</param>
/// <param name="PhoneNumberId">The sending number.</param>
/// <param name="To">The <c>to</c> as sent.</param>
/// <param name="WaId">The user's WhatsApp id.</param>
/// <param name="Type">The message type.</param>
/// <param name="TemplateName">The template's name, for templates.</param>
/// <param name="BizOpaqueCallbackData">The callback data sent.</param>
/// <param name="ReceivedAt">When it was accepted.</param>
public sealed record LedgerEntry(string Id, string PhoneNumberId, string To, string WaId, string Type, string? TemplateName, string? BizOpaqueCallbackData, DateTimeOffset ReceivedAt);
