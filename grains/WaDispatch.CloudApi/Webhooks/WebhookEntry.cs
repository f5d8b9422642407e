using System.Text.Json.Serialization;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The changes of one WhatsApp Business Account.</summary>
public sealed record WebhookEntry
{
    /// <summary>The WABA id.</summary>
    public string? Id { get; init; }

    /// <summary>Unix seconds (a JSON number, as Meta writes it; a string is read too).</summary>
    [JsonConverter(typeof(UnixSecondsConverter))]
    public string? Time { get; init; }

    /// <summary>The changes, each for one webhook field.</summary>
    public IReadOnlyList<WebhookChange>? Changes { get; init; }
}
