using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>A status of a sent message: sent, delivered, read, failed or played.</summary>
public sealed record MessageStatus
{
    /// <summary>The message's <c>wamid</c>.</summary>
    public string? Id { get; init; }

    /// <summary>sent, delivered, read, failed or played.</summary>
    public string? Status { get; init; }

    /// <summary>Unix seconds.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Timestamp { get; init; }

    /// <summary>The user's WhatsApp id.</summary>
    public string? RecipientId { get; init; }

    /// <summary>The send's <c>biz_opaque_callback_data</c>, echoed.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>The conversation (absent from v24+ except free-entry-point windows).</summary>
    public StatusConversation? Conversation { get; init; }

    /// <summary>Pricing of the message.</summary>
    public StatusPricing? Pricing { get; init; }

    /// <summary>Why it failed, on <c>failed</c>.</summary>
    public IReadOnlyList<WebhookError>? Errors { get; init; }
}

/// <summary>A status's conversation.</summary>
public sealed record StatusConversation
{
    /// <summary>The conversation id.</summary>
    public string? Id { get; init; }

    /// <summary>Unix seconds when it expires.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? ExpirationTimestamp { get; init; }

    /// <summary>What opened it.</summary>
    public StatusConversationOrigin? Origin { get; init; }
}

/// <summary>What opened a conversation.</summary>
public sealed record StatusConversationOrigin
{
    /// <summary>marketing, utility, authentication, service, referral_conversion, …</summary>
    public string? Type { get; init; }
}

/// <summary>A status's pricing.</summary>
public sealed record StatusPricing
{
    /// <summary>Whether the message is billed.</summary>
    public bool? Billable { get; init; }

    /// <summary>CBP or PMP.</summary>
    public string? PricingModel { get; init; }

    /// <summary>marketing, utility, authentication, service, …</summary>
    public string? Category { get; init; }

    /// <summary>regular, free_customer_service, free_entry_point (per-message pricing).</summary>
    public string? Type { get; init; }
}
