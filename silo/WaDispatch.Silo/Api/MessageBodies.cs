using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grains.Messages;

namespace WaDispatch.Silo.Api;

/// <summary>The body of <c>POST /v1/messages</c>, and one item of a batch.</summary>
internal sealed record MessageBody
{
    /// <summary>The business number that sends it.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>After this instant it is not sent (ISO 8601); default 24 h from acceptance.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Meta's request body, exactly as for <c>POST /{version}/{phone_number_id}/messages</c>.</summary>
    public SendMessageRequest? Message { get; init; }

    /// <summary>Where the message's status changes are posted, signed; optional.</summary>
    public string? CallbackUrl { get; init; }
}

/// <summary>The body of <c>POST /v1/messages/batch</c>.</summary>
internal sealed record BatchBody
{
    /// <summary>Up to 1,000 messages.</summary>
    public IReadOnlyList<MessageBody?>? Messages { get; init; }
}

/// <summary>The answer for one item of a batch: its message, or why it was refused.</summary>
internal sealed record BatchItem
{
    /// <summary>The item's position in the request.</summary>
    public required int Index { get; init; }

    /// <summary>The accepted message (or, for a replayed key, the one first accepted).</summary>
    public MessageView? Message { get; init; }

    /// <summary>True when the idempotency key had been used: nothing new was accepted.</summary>
    public bool? Replayed { get; init; }

    /// <summary>Why the item was refused; nothing was accepted for it.</summary>
    public CloudApiError? Error { get; init; }
}

/// <summary>The answer to <c>POST /v1/messages/batch</c>.</summary>
internal sealed record BatchAnswer(int Accepted, int Refused, IReadOnlyList<BatchItem> Results);

/// <summary>JSON of the messages API: snake_case and nulls omitted like the Cloud API, numbers also read from strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MessageBody))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(BatchAnswer))]
[JsonSerializable(typeof(MessageView))]
internal sealed partial class MessagesJsonContext : JsonSerializerContext;
