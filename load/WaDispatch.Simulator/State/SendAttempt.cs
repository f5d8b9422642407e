namespace WaDispatch.Simulator.State;

/// <summary>The parts of a send the simulator's rules look at.</summary>
internal sealed record SendAttempt(string To, string WaId, string Type, string? TemplateName, string? TemplateLanguage, string? BizOpaqueCallbackData, string MessageId)
{
    public bool IsTemplate => Type == "template";

    public LedgerEntry ToLedgerEntry(string phoneNumberId, DateTimeOffset receivedAt) =>
        new(MessageId, phoneNumberId, To, WaId, Type, TemplateName, BizOpaqueCallbackData, receivedAt);
}
