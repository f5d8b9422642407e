using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of a <c>user_preferences</c> change: users stopping or resuming marketing.</summary>
public sealed record UserPreferencesValue
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string? MessagingProduct { get; init; }

    /// <summary>The business number concerned.</summary>
    public WebhookMetadata? Metadata { get; init; }

    /// <summary>The users.</summary>
    public IReadOnlyList<WebhookContact>? Contacts { get; init; }

    /// <summary>The preferences.</summary>
    public IReadOnlyList<UserPreference>? UserPreferences { get; init; }
}

/// <summary>One user's marketing preference.</summary>
public sealed record UserPreference
{
    /// <summary>The user's WhatsApp id.</summary>
    public string? WaId { get; init; }

    /// <summary>A human-readable description.</summary>
    public string? Detail { get; init; }

    /// <summary><c>marketing_messages</c>.</summary>
    public string? Category { get; init; }

    /// <summary><c>stop</c> or <c>resume</c>.</summary>
    public string? Value { get; init; }

    /// <summary>Unix seconds.</summary>
    [JsonConverter(typeof(FlexibleStringConverter))]
    public string? Timestamp { get; init; }
}
