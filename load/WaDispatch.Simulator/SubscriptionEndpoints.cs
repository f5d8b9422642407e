using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Management;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.Simulator.State;

namespace WaDispatch.Simulator;

/// <summary>
/// Meta's <c>/{version}/{waba_id}/subscribed_apps</c>: list, subscribe (verifying an override callback with the
/// <c>hub.challenge</c> handshake first) and unsubscribe, with Meta's shapes, its usage header and scripted failures
/// (<c>POST /_sim/subscribed-apps/failures</c>, e.g. 80007).
/// </summary>
public static class SubscriptionEndpoints
{
    /// <summary>The <see cref="HttpClient"/> the handshake uses.</summary>
    public const string VerificationClientName = "WaDispatch.Simulator.Verification";

    /// <summary>The app the simulator plays.</summary>
    public static readonly SubscribedAppData App = new() { Id = "867530900000001", Name = "WaDispatch simulator app", Link = "https://www.facebook.com/games/?app_id=867530900000001" };

    /// <summary>Maps the three calls and the failure script on <paramref name="endpoints"/>.</summary>
    public static IEndpointRouteBuilder MapSubscribedApps(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/{version}/{wabaId}/subscribed_apps", (HttpContext context, string wabaId, WebhookSubscriptions subscriptions, IOptionsMonitor<SimulatorOptions> options, TimeProvider time) =>
            Answer(context, wabaId, subscriptions, options.CurrentValue, time, () =>
            {
                var (subscribed, callback) = subscriptions.Of(wabaId, options.CurrentValue.SubscribedByDefault);
                var page = new SubscribedAppsPage { Data = subscribed ? [new SubscribedAppEntry { WhatsappBusinessApiData = App, OverrideCallbackUri = callback?.AbsoluteUri }] : [] };
                return Task.FromResult<IResult>(TypedResults.Json(page, CloudApiJsonContext.Wire.SubscribedAppsPage));
            }));
        endpoints.MapPost("/{version}/{wabaId}/subscribed_apps", (HttpContext context, string wabaId, WebhookSubscriptions subscriptions, IOptionsMonitor<SimulatorOptions> options, TimeProvider time, IHttpClientFactory http) =>
            Answer(context, wabaId, subscriptions, options.CurrentValue, time, async () =>
            {
                var parameters = await ParametersAsync(context.Request).ConfigureAwait(false);
                parameters.TryGetValue("override_callback_uri", out var uri);
                parameters.TryGetValue("verify_token", out var token);
                Uri? callback = null;
                if (!string.IsNullOrEmpty(uri))
                {
                    if (!Uri.TryCreate(uri, UriKind.Absolute, out callback) || callback.Scheme is not ("https" or "http") || string.IsNullOrEmpty(token))
                    {
                        return Error(400, ErrorCodes.InvalidParameter, "Invalid parameter", "override_callback_uri must be an absolute http(s) URL and verify_token is required with it.");
                    }

                    if (await VerifyAsync(http, callback, token!, context.RequestAborted).ConfigureAwait(false) is { } failed)
                    {
                        return Error(400, CallbackVerificationFailed, "Callback verification failed", failed);
                    }
                }

                subscriptions.Set(wabaId, subscribed: true, callback);
                return Success();
            }));
        endpoints.MapDelete("/{version}/{wabaId}/subscribed_apps", (HttpContext context, string wabaId, WebhookSubscriptions subscriptions, IOptionsMonitor<SimulatorOptions> options, TimeProvider time) =>
            Answer(context, wabaId, subscriptions, options.CurrentValue, time, () =>
            {
                subscriptions.Set(wabaId, subscribed: false, callback: null);
                return Task.FromResult<IResult>(Success());
            }));
        endpoints.MapPost("/_sim/subscribed-apps/failures", (HttpContext context, WebhookSubscriptions subscriptions) =>
        {
            var code = int.TryParse(context.Request.Query["code"], NumberStyles.None, CultureInfo.InvariantCulture, out var c) ? c : ErrorCodes.RateLimitIssues;
            var count = int.TryParse(context.Request.Query["count"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, 10_000) : 1;
            subscriptions.Script(new ScriptedFailure(code, 400, null), count);
            return TypedResults.NoContent();
        });
        return endpoints;
    }

    /// <summary>Meta's error when the override callback did not answer the handshake.</summary>
    public const int CallbackVerificationFailed = 2200;

    private static async Task<IResult> Answer(HttpContext context, string wabaId, WebhookSubscriptions subscriptions, SimulatorOptions options, TimeProvider time, Func<Task<IResult>> call)
    {
        if (context.Request.Headers.Authorization != "Bearer " + options.AccessToken)
        {
            return Error(401, ErrorCodes.AccessTokenExpired, "Invalid OAuth access token", "The access token could not be decrypted or is not valid for this WABA.");
        }

        // Meta's usage header: this WABA's management calls in the last hour as a share of the hourly limit.
        var calls = subscriptions.Count(wabaId, time.GetUtcNow());
        var percent = (int)Math.Ceiling(calls * 100.0 / options.ManagementCallsPerHour);
        var failure = subscriptions.NextFailure();
        var throttled = failure?.Code is ErrorCodes.RateLimitIssues or ErrorCodes.ApiTooManyCalls || percent > 100;
        context.Response.Headers["X-Business-Use-Case-Usage"] = JsonSerializer.Serialize(new Dictionary<string, object[]>
        {
            [wabaId] = [new Dictionary<string, object> { ["type"] = "whatsapp_business_management", ["call_count"] = Math.Min(percent, 100), ["total_cputime"] = 1, ["total_time"] = 1, ["estimated_time_to_regain_access"] = throttled ? 1 : 0 }],
        });
        if (failure is not null)
        {
            return Error(failure.HttpStatus, failure.Code, failure.Code == ErrorCodes.RateLimitIssues ? "There have been too many calls for this WhatsApp Business account" : "Scripted failure", $"Scripted failure {failure.Code} on subscribed_apps of WABA {wabaId}.");
        }

        return percent > 100
            ? Error(400, ErrorCodes.RateLimitIssues, "There have been too many calls for this WhatsApp Business account", $"WABA {wabaId} made {calls} management calls in the last hour; the limit is {options.ManagementCallsPerHour}.")
            : await call().ConfigureAwait(false);
    }

    private static async Task<string?> VerifyAsync(IHttpClientFactory http, Uri callback, string token, CancellationToken cancellationToken)
    {
        var challenge = RandomNumberGenerator.GetInt32(100_000_000, int.MaxValue).ToString(CultureInfo.InvariantCulture);
        var separator = string.IsNullOrEmpty(callback.Query) ? "?" : "&";
        var url = $"{callback.AbsoluteUri}{separator}hub.mode=subscribe&hub.challenge={challenge}&hub.verify_token={Uri.EscapeDataString(token)}";
        try
        {
            using var response = await http.CreateClient(VerificationClientName).GetAsync(new Uri(url), cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode && body.Trim() == challenge
                ? null
                : $"The URL {callback.AbsoluteUri} answered HTTP {(int)response.StatusCode} without the challenge to the verification request.";
        }
        catch (HttpRequestException ex)
        {
            return $"The URL {callback.AbsoluteUri} couldn't be validated: {ex.Message}";
        }
    }

    private static async Task<Dictionary<string, string>> ParametersAsync(HttpRequest request)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            foreach (var field in await request.ReadFormAsync(request.HttpContext.RequestAborted).ConfigureAwait(false))
            {
                parameters[field.Key] = field.Value.ToString();
            }
        }
        else if (request.ContentLength is > 0 and < 64 * 1024 && request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
                foreach (var property in document.RootElement.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    parameters[property.Name] = property.Value.GetString()!;
                }
            }
            catch (JsonException)
            {
                // Not JSON: no parameters from the body.
            }
        }

        return parameters;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ContentHttpResult Success() => TypedResults.Text("{\"success\":true}", "application/json");

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<CloudApiErrorResponse> Error(int status, int code, string title, string details) =>
        TypedResults.Json(new CloudApiErrorResponse { Error = CloudApiError.Create(code, title, details) }, CloudApiJsonContext.Wire.CloudApiErrorResponse, statusCode: status);
}
