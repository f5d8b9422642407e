using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Webhooks;

namespace WaDispatch.Grains.Webhooks;

/// <summary>
/// Meta's webhooks (<c>/webhooks/whatsapp</c>): subscription verification, then a signature check over
/// the exact bytes, and the delivery is stored durably before Meta gets its 200. The
/// <see cref="WebhookProcessor"/> applies it afterwards. The silo maps them; so can any ASP.NET Core app
/// that hosts WaDispatch embedded.
/// </summary>
public static class WebhookEndpoints
{
    /// <summary>The path Meta posts to by default.</summary>
    public const string DefaultPath = "/webhooks/whatsapp";

    /// <summary>The largest delivery accepted.</summary>
    public const int MaxBodyBytes = 4 << 20;

    /// <summary>Maps <c>GET</c> (verification) and <c>POST</c> (events) on <paramref name="path"/>; settings from <see cref="WebhookOptions"/>.</summary>
    public static IEndpointRouteBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder routes, string path = DefaultPath)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet(path, Verify);
        routes.MapPost(path, ReceiveAsync);
        return routes;
    }

    private static IResult Verify(HttpRequest request, IOptionsMonitor<WebhookOptions> options, WebhookClientCertificates certificates)
    {
        if (NotOverMutualTls(request.HttpContext, certificates) is { } refused)
        {
            return refused;
        }

        var query = request.Query;
        var expected = options.CurrentValue.VerifyToken;
        return query["hub.mode"] == "subscribe" && !string.IsNullOrEmpty(expected) && query["hub.verify_token"] == expected
            ? Results.Text(query["hub.challenge"].ToString())
            : Results.StatusCode(StatusCodes.Status403Forbidden);
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, IOptionsMonitor<WebhookOptions> options, WebhookClientCertificates certificates, WebhookProcessor processor, CancellationToken cancellationToken)
    {
        if (NotOverMutualTls(request.HttpContext, certificates) is { } refused)
        {
            return refused;
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge(request.ContentLength.Value);
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length > MaxBodyBytes)
        {
            return TooLarge(buffer.Length);
        }

        var body = buffer.ToArray();
        if (options.CurrentValue.AppSecret is not { Length: > 0 } secret || !WebhookSignature.Verify(body, request.Headers[WebhookSignature.HeaderName], secret))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        // Durable first, then 200: Meta retries anything not answered 200, and nothing answered 200 is lost.
        await processor.StoreAsync(body).ConfigureAwait(false);
        return Results.Ok();
    }

    /// <summary>
    /// With mutual TLS on (as the silo started), a webhook request is taken only on its port, over a connection whose
    /// client certificate passed the trust bundle and subject checks in the handshake; anything else is refused with 403.
    /// </summary>
    private static IResult? NotOverMutualTls(HttpContext context, WebhookClientCertificates certificates) =>
        !certificates.Options.Enabled
        || (context.Connection.LocalPort == certificates.Options.Port && certificates.WasAccepted(context.Connection.ClientCertificate))
            ? null
            : Results.Json(
                new CloudApiErrorResponse { Error = CloudApiError.Create(ErrorCodes.PermissionDenied, "Permission denied", $"Webhooks are received only over mutual TLS, on port {certificates.Options.Port} with a client certificate.") },
                CloudApiJsonContext.Wire.CloudApiErrorResponse,
                statusCode: StatusCodes.Status403Forbidden);

    private static IResult TooLarge(long bytes) => Results.Json(
        new CloudApiErrorResponse { Error = CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", $"The webhook body is {bytes} bytes; the limit is {MaxBodyBytes}.") },
        CloudApiJsonContext.Wire.CloudApiErrorResponse,
        statusCode: StatusCodes.Status413PayloadTooLarge);
}
