using System.Globalization;
using System.Text.Json;
using Orleans;
using WaDispatch.CloudApi.Errors;
using Microsoft.AspNetCore.Http.Features;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Wabas;
using WaDispatch.Storage.Accounts;

namespace WaDispatch.Silo.Api;

/// <summary>
/// The WABAs' admin API: <c>GET /v1/wabas/{waba_id}</c> (subscription, account state and its latest account events) and
/// <c>GET/PUT/DELETE /v1/wabas/{waba_id}/subscription</c> (the app's webhook subscription, read, made or removed at Meta).
/// </summary>
internal static class WabasApi
{
    /// <summary>How many account events <c>GET /v1/wabas/{waba_id}</c> shows.</summary>
    public const int RecentEvents = 50;

    /// <summary>The longest verify token accepted.</summary>
    public const int MaxVerifyTokenLength = 256;

    /// <summary>The longest callback URL accepted.</summary>
    public const int MaxCallbackLength = 2048;

    private static readonly Dictionary<string, string> Expectations = new(StringComparer.Ordinal)
    {
        ["override_callback_uri"] = "must be a string",
        ["verify_token"] = "must be a string",
    };

    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapWabasApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/wabas/{wabaId}");
        group.MapGet("", GetAsync);
        group.MapGet("/subscription", GetSubscriptionAsync);
        group.MapPut("/subscription", SubscribeAsync);
        group.MapDelete("/subscription", UnsubscribeAsync);
        return routes;
    }

    private static async Task<IResult> GetAsync(string wabaId, IGrainFactory grains, AccountEventStore events, CancellationToken cancellationToken)
    {
        if (AdminIds.CheckDigits(wabaId, "waba_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        var snapshot = await grains.GetGrain<IWabaGrain>(wabaId).GetAsync();
        var recent = await events.RecentAsync(wabaId, RecentEvents, cancellationToken);
        var view = new WabaView(snapshot.WabaId, snapshot.PhoneNumberIds, snapshot.Subscription, snapshot.Account, [.. recent.Select(e => new AccountEventView(e.Field, e.OccurredAt, e.ReceivedAt, Parse(e.Value)))]);
        return Results.Json(view, AdminJsonContext.Default.WabaView);
    }

    private static async Task<IResult> GetSubscriptionAsync(string wabaId, HttpRequest request, IGrainFactory grains, TimeProvider time)
    {
        if (AdminIds.CheckDigits(wabaId, "waba_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        var grain = grains.GetGrain<IWabaGrain>(wabaId);
        if (request.Query["refresh"] is { Count: > 0 } refresh && refresh.ToString() is not ("true" or "false"))
        {
            return ApiErrors.InvalidParameter("refresh must be true or false.");
        }

        return request.Query["refresh"] == "true"
            ? Answer(await grain.CheckSubscriptionAsync(subscribeWhenMissing: false, force: true), request.HttpContext, time)
            : Results.Json((await grain.GetAsync()).Subscription, AdminJsonContext.Default.WabaSubscription);
    }

    private static async Task<IResult> SubscribeAsync(string wabaId, HttpRequest request, IGrainFactory grains, TimeProvider time, CancellationToken cancellationToken)
    {
        if (AdminIds.CheckDigits(wabaId, "waba_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        WabaCallback? callback = null;
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength > 0)
        {
            var (body, error) = await ApiErrors.ReadBodyAsync(request, AdminJsonContext.Default.SubscriptionRequest, Expectations, cancellationToken);
            if (error is not null)
            {
                return error;
            }

            if (Check(body!, out callback) is { } invalid)
            {
                return ApiErrors.InvalidParameter(invalid);
            }
        }

        var answer = Answer(await grains.GetGrain<IWabaGrain>(wabaId).SubscribeAsync(callback), request.HttpContext, time);
        // A WABA subscribed here is one WaDispatch serves from now on: the hourly check looks after it too.
        await grains.GetGrain<ITemplateRegistryGrain>(ITemplateRegistryGrain.Key).AddAsync(wabaId);
        return answer;
    }

    private static async Task<IResult> UnsubscribeAsync(string wabaId, HttpContext context, IGrainFactory grains, TimeProvider time) =>
        AdminIds.CheckDigits(wabaId, "waba_id") is { } badId
            ? ApiErrors.InvalidParameter(badId)
            : Answer(await grains.GetGrain<IWabaGrain>(wabaId).UnsubscribeAsync(), context, time);

    /// <summary>
    /// The subscription after a call that succeeded; else Meta's error: 429 with <c>Retry-After</c> when the management
    /// limit (Meta's or WaDispatch's own pacing) held it, 400 for a callback Meta could not verify, 502 otherwise.
    /// </summary>
    private static IResult Answer(WabaCallResult result, HttpContext context, TimeProvider time)
    {
        if (result.Error is not { } failure)
        {
            return Results.Json(result.Subscription, AdminJsonContext.Default.WabaSubscription);
        }

        var error = CloudApiError.Create(failure.Code, failure.Title, failure.Details ?? failure.Title);
        if (ErrorCodes.IsManagementThrottle(failure.Code))
        {
            if (result.RetryAt is { } at)
            {
                ApiErrors.SetRetryAfter(context.Response, at - time.GetUtcNow());
            }

            return ApiErrors.Error(error, StatusCodes.Status429TooManyRequests);
        }

        return failure.Code is ErrorCodes.InvalidParameter or CallbackVerificationFailed
            ? ApiErrors.Error(error, StatusCodes.Status400BadRequest)
            : ApiErrors.Upstream(error);
    }

    /// <summary>Meta's error when an override callback did not answer the <c>hub.challenge</c> handshake.</summary>
    private const int CallbackVerificationFailed = 2200;

    private static string? Check(SubscriptionRequest body, out WabaCallback? callback)
    {
        callback = null;
        if (body.OverrideCallbackUri is null)
        {
            return body.VerifyToken is null ? null : "verify_token is only used with override_callback_uri.";
        }

        if (body.OverrideCallbackUri.Length > MaxCallbackLength)
        {
            return $"override_callback_uri is {body.OverrideCallbackUri.Length} characters long; the limit is {MaxCallbackLength}.";
        }

        if (!Uri.TryCreate(body.OverrideCallbackUri, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            return "override_callback_uri must be an absolute https URL (http only for local tests).";
        }

        if (string.IsNullOrEmpty(body.VerifyToken))
        {
            return "verify_token is required with override_callback_uri: Meta sends it back when it verifies the URL.";
        }

        if (body.VerifyToken.Length > MaxVerifyTokenLength)
        {
            return $"verify_token is {body.VerifyToken.Length} characters long; the limit is {MaxVerifyTokenLength}.";
        }

        callback = new WabaCallback(uri, body.VerifyToken);
        return null;
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>The body of <c>PUT /v1/wabas/{waba_id}/subscription</c>; empty to subscribe with the app's own callback.</summary>
/// <param name="OverrideCallbackUri">This WABA's own callback URL.</param>
/// <param name="VerifyToken">The token Meta echoes when it verifies <paramref name="OverrideCallbackUri"/>.</param>
internal sealed record SubscriptionRequest(string? OverrideCallbackUri, string? VerifyToken);

/// <summary>A WABA as <c>GET /v1/wabas/{waba_id}</c> shows it.</summary>
/// <param name="WabaId">The WABA.</param>
/// <param name="PhoneNumberIds">Its numbers known to WaDispatch.</param>
/// <param name="Subscription">The app's webhook subscription.</param>
/// <param name="Account">Review, display names, bans and restrictions as Meta's webhooks reported them.</param>
/// <param name="RecentEvents">Its latest account events, newest first.</param>
internal sealed record WabaView(string WabaId, IReadOnlyList<string> PhoneNumberIds, WabaSubscription Subscription, WabaAccount Account, IReadOnlyList<AccountEventView> RecentEvents);

/// <summary>One account event in the ledger.</summary>
/// <param name="Field">The webhook field.</param>
/// <param name="OccurredAt">When Meta says it happened.</param>
/// <param name="ReceivedAt">When it arrived.</param>
/// <param name="Value">The change's value, as Meta sent it.</param>
internal sealed record AccountEventView(string Field, DateTimeOffset OccurredAt, DateTimeOffset ReceivedAt, JsonElement Value);
