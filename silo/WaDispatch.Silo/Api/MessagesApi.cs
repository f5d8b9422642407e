using System.Globalization;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.Grains.Messages;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Sending: the Cloud API-compatible route (<c>POST /{version}/{phone_number_id}/messages</c>, the caller
/// waits for Meta's answer) and WaDispatch's queued routes (<c>/v1/messages</c>: 202 once durable).
/// </summary>
internal static class MessagesApi
{
    /// <summary>The request header carrying the caller's idempotency key.</summary>
    public const string IdempotencyHeader = "Idempotency-Key";

    /// <summary>The most messages in one batch request.</summary>
    public const int MaxBatch = 1000;

    private const int MaxIdempotencyKeyLength = 255;

    private static readonly Dictionary<string, string> Expectations = new(StringComparer.Ordinal)
    {
        ["phone_number_id"] = "must be a string",
        ["expires_at"] = "must be an ISO 8601 date and time, e.g. 2026-11-21T18:00:00Z",
        ["message"] = "must be a Cloud API message object",
        ["messages"] = $"must be a list of up to {MaxBatch} messages",
        ["callback_url"] = "must be a string: an absolute http or https URL",
    };

    /// <summary>Maps the sending routes.</summary>
    public static IEndpointRouteBuilder MapMessagesApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/{version:regex(^v\\d+\\.\\d+$)}/{phoneNumberId}/messages", SendAsync);
        routes.MapPost("/v1/messages", AcceptAsync);
        routes.MapPost("/v1/messages/batch", AcceptBatchAsync);
        routes.MapGet("/v1/messages/{id}", GetAsync);
        return routes;
    }

    /// <summary>Meta's route: Meta's body in, Meta's answer out, paced and checked on the way.</summary>
    private static async Task<IResult> SendAsync(string phoneNumberId, HttpRequest request, HttpResponse response, MessageService messages, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (AdminIds.Check(phoneNumberId, "phone_number_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        if (IdempotencyKey(request, "graph") is { Error: { } badKey })
        {
            return badKey;
        }

        var (message, error) = await ApiErrors.ReadBodyAsync(request, CloudApiJsonContext.Wire.SendMessageRequest, Expectations, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var result = await messages.SendAsync(new MessageSubmission(phoneNumberId, message!) { IdempotencyKey = IdempotencyKey(request, "graph").Key }, cancellationToken);
        if (result.MessageId is { } id)
        {
            response.Headers["X-WaDispatch-Message-Id"] = id;
        }

        if (result.UpstreamTime is { } upstream)
        {
            // Which part of the answer's time was Meta's (W3C Server-Timing): the rest was WaDispatch's, step by step.
            response.Headers["Server-Timing"] = ServerTiming(upstream, result.Phases, time.GetElapsedTime(started));
        }

        if (result.Response is { } sent)
        {
            return Results.Json(sent, CloudApiJsonContext.Wire.SendMessageResponse);
        }

        var refusal = result.Error ?? CloudApiError.Create(ErrorCodes.SomethingWentWrong, "Something went wrong", "The message was not sent.");
        if (result.RetryAfter is { } retryAfter)
        {
            ApiErrors.SetRetryAfter(response, retryAfter);
        }

        return ApiErrors.Error(refusal, StatusOf(refusal.Code));
    }

    /// <summary>
    /// The answer's <c>Server-Timing</c>: <c>upstream</c> (Meta's answer time to the attempt that ended the send), then,
    /// when known, where WaDispatch's own time went (<see cref="SendPhases"/>: <c>accept</c>, <c>admit</c>, <c>lane</c>,
    /// <c>ledger</c>), and <c>total</c>, the route's time from its start to its answer, before the answer is written.
    /// Durations in milliseconds. A request that repeated the idempotency key of one still on its way gets its
    /// <c>upstream</c> and its own <c>total</c> only: the steps were the first request's.
    /// </summary>
    internal static string ServerTiming(TimeSpan upstream, SendPhases? phases, TimeSpan total) => phases is { } p
        ? string.Create(CultureInfo.InvariantCulture, $"upstream;dur={Ms(upstream)}, accept;dur={Ms(p.Accept)}, admit;dur={Ms(p.Admit)}, lane;dur={Ms(p.Lane)}, ledger;dur={Ms(p.Ledger)}, total;dur={Ms(total)}")
        : string.Create(CultureInfo.InvariantCulture, $"upstream;dur={Ms(upstream)}, total;dur={Ms(total)}");

    private static double Ms(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    private static async Task<IResult> AcceptAsync(HttpRequest request, MessageService messages, CancellationToken cancellationToken)
    {
        var (key, badKey) = IdempotencyKey(request, "v1");
        if (badKey is not null)
        {
            return badKey;
        }

        var (body, error) = await ApiErrors.ReadBodyAsync(request, MessagesJsonContext.Default.MessageBody, Expectations, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (Check(body!, string.Empty) is { } invalid)
        {
            return ApiErrors.InvalidParameter(invalid);
        }

        var result = await messages.AcceptAsync(Submission(body!, key), cancellationToken);
        if (result.Error is { } refused)
        {
            return ApiErrors.Error(refused, StatusOf(refused.Code));
        }

        return Results.Json(result.Message, MessagesJsonContext.Default.MessageView, statusCode: result.Replayed ? StatusCodes.Status200OK : StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> AcceptBatchAsync(HttpRequest request, MessageService messages, CancellationToken cancellationToken)
    {
        var (key, badKey) = IdempotencyKey(request, "v1");
        if (badKey is not null)
        {
            return badKey;
        }

        var (body, error) = await ApiErrors.ReadBodyAsync(request, MessagesJsonContext.Default.BatchBody, Expectations, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body!.Messages is not { Count: > 0 } items)
        {
            return ApiErrors.InvalidParameter($"messages is required: a list of 1 to {MaxBatch} messages.");
        }

        if (items.Count > MaxBatch)
        {
            return ApiErrors.InvalidParameter($"messages holds {items.Count} messages; the limit is {MaxBatch} per request.");
        }

        // Every item is accepted on its own (and durably together, by group commit); one bad item refuses only itself.
        var answers = await Task.WhenAll(items.Select(async (item, index) =>
        {
            var prefix = $"messages[{index}].";
            if (item is null)
            {
                return new BatchItem { Index = index, Error = Invalid($"messages[{index}] must be a message object.") };
            }

            if (Check(item, prefix) is { } invalid)
            {
                return new BatchItem { Index = index, Error = Invalid(invalid) };
            }

            var result = await messages.AcceptAsync(Submission(item, key is null ? null : $"{key}#{index}"), cancellationToken);
            return result.Error is { } refused
                ? new BatchItem { Index = index, Error = refused with { ErrorData = refused.ErrorData is { } data ? data with { Details = prefix + data.Details } : null } }
                : new BatchItem { Index = index, Message = result.Message, Replayed = result.Replayed ? true : null };
        }));
        var accepted = answers.Count(a => a.Error is null);
        return Results.Json(new BatchAnswer(accepted, answers.Length - accepted, answers), MessagesJsonContext.Default.BatchAnswer, statusCode: accepted > 0 ? StatusCodes.Status202Accepted : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> GetAsync(string id, MessageService messages, CancellationToken cancellationToken)
    {
        if (id.Length is 0 or > 64)
        {
            return ApiErrors.InvalidParameter($"The message id is {id.Length} characters long; ids are 32.");
        }

        return await messages.GetAsync(id, cancellationToken) is { } message
            ? Results.Json(message, MessagesJsonContext.Default.MessageView)
            : ApiErrors.Error(CloudApiError.Create(ErrorCodes.InvalidParameter, "Unknown message", $"No message has id {id}."), StatusCodes.Status404NotFound);
    }

    private static MessageSubmission Submission(MessageBody body, string? key) =>
        new(body.PhoneNumberId!, body.Message!) { IdempotencyKey = key, ExpiresAt = body.ExpiresAt, CallbackUrl = body.CallbackUrl };

    private static string? Check(MessageBody body, string prefix) =>
        AdminIds.Check(body.PhoneNumberId, prefix + "phone_number_id")
        ?? (body.Message is null ? $"{prefix}message is required: the Cloud API message body." : null);

    /// <summary>The caller's key scoped to <paramref name="scope"/>, or why the header is unusable.</summary>
    public static (string? Key, IResult? Error) IdempotencyKey(HttpRequest request, string scope)
    {
        var values = request.Headers[IdempotencyHeader];
        if (values.Count == 0)
        {
            return (null, null);
        }

        // Scoped by API key and route: two callers' keys never meet.
        var key = values.ToString();
        return values.Count > 1 || key.Length is 0 or > MaxIdempotencyKeyLength || key.Any(char.IsControl)
            ? (null, ApiErrors.InvalidParameter($"{IdempotencyHeader} must be one value of 1 to {MaxIdempotencyKeyLength} printable characters."))
            : ($"{FrontDoor.FrontDoor.KeyName(request.HttpContext)}:{scope}:{key}", null);
    }

    private static int StatusOf(int code) => RefusalStatus.Of(code);

    private static CloudApiError Invalid(string details) => CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details);
}
