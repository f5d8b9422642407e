using System.Text.Json;
using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.Client;

/// <summary>The body of <c>POST /v1/messages</c> and of one batch item.</summary>
internal sealed record MessageBody(string PhoneNumberId, SendMessageRequest Message, DateTimeOffset? ExpiresAt, string? CallbackUrl);

/// <summary>The body of <c>POST /v1/messages/batch</c>.</summary>
internal sealed record BatchBody(IReadOnlyList<MessageBody> Messages);

/// <summary>The campaign part of <c>POST /v1/campaigns</c>.</summary>
internal sealed record CampaignBody(string PhoneNumberId, TemplateContent Template, string? Category, DateTimeOffset? StartAt, DateTimeOffset? ExpiresAt, string? Priority, string? BizOpaqueCallbackData, string? CallbackUrl);

/// <summary>JSON as the silo speaks it: snake_case, nulls omitted, numbers also read from strings.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(MessageBody))]
[JsonSerializable(typeof(BatchBody))]
[JsonSerializable(typeof(CampaignBody))]
[JsonSerializable(typeof(MessageInfo))]
[JsonSerializable(typeof(StatusEvent))]
[JsonSerializable(typeof(CloudApiErrorResponse))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
