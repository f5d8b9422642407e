namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The envelope of every webhook: <c>{"object":"whatsapp_business_account","entry":[…]}</c>.</summary>
public sealed record WebhookPayload
{
    /// <summary>The <c>object</c>: always <c>whatsapp_business_account</c>.</summary>
    [System.Text.Json.Serialization.JsonPropertyName("object")]
    public string? ObjectType { get; init; }

    /// <summary>One entry per WhatsApp Business Account.</summary>
    public IReadOnlyList<WebhookEntry>? Entry { get; init; }
}
