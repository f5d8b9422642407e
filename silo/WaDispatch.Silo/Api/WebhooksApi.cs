using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Webhooks;
using WaDispatch.Silo.Webhooks;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Meta's webhooks (<c>/webhooks/whatsapp</c>): subscription verification, then a signature check over
/// the exact bytes, and the delivery is stored durably before Meta gets its 200. The
/// <see cref="WebhookProcessor"/> applies it afterwards.
/// </summary>
internal static class WebhooksApi
{
    /// <summary>The path Meta posts to.</summary>
    public const string Path = "/webhooks/whatsapp";

    private const int MaxBodyBytes = 4 << 20;

    /// <summary>Maps <c>GET</c> (verification) and <c>POST</c> (events) on <see cref="Path"/>.</summary>
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(Path, Verify);
        routes.MapPost(Path, ReceiveAsync);
        return routes;
    }

    private static IResult Verify(HttpRequest request, IOptionsMonitor<WebhookOptions> options)
    {
        var query = request.Query;
        var expected = options.CurrentValue.VerifyToken;
        return query["hub.mode"] == "subscribe" && !string.IsNullOrEmpty(expected) && query["hub.verify_token"] == expected
            ? Results.Text(query["hub.challenge"].ToString())
            : Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, IOptionsMonitor<WebhookOptions> options, WebhookProcessor processor, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return ApiErrors.InvalidParameter($"The webhook body is {request.ContentLength} bytes; the limit is {MaxBodyBytes}.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > MaxBodyBytes)
        {
            return ApiErrors.InvalidParameter($"The webhook body is {buffer.Length} bytes; the limit is {MaxBodyBytes}.");
        }

        var body = buffer.ToArray();
        if (options.CurrentValue.AppSecret is not { Length: > 0 } secret || !WebhookSignature.Verify(body, request.Headers[WebhookSignature.HeaderName], secret))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        // Durable first, then 200: Meta retries anything not answered 200, and nothing answered 200 is lost.
        await processor.StoreAsync(body);
        return Results.Ok();
    }
}
