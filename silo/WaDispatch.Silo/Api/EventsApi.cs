using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using WaDispatch.Grains.Messages;

namespace WaDispatch.Silo.Api;

/// <summary>
/// <c>GET /v1/events</c>: status changes as they are committed, as server-sent events (<c>event: message.status</c>,
/// <c>data:</c> the change as JSON). Live only: a listener sees what happens while it is connected.
/// </summary>
internal static class EventsApi
{
    /// <summary>The event type of a status change.</summary>
    public const string StatusEventType = "message.status";

    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/events", (MessageEvents events, CancellationToken cancellationToken) =>
            TypedResults.ServerSentEvents(StreamAsync(events, cancellationToken)));
        return routes;
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(MessageEvents events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var change in events.SubscribeAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return new SseItem<string>(JsonSerializer.Serialize(change, EventsJsonContext.Default.MessageStatusEvent), StatusEventType);
        }
    }
}

/// <summary>JSON of status events: snake_case, nulls omitted.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessageStatusEvent))]
internal sealed partial class EventsJsonContext : JsonSerializerContext;
