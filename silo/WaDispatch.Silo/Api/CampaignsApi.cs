using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Grains.Campaigns;

namespace WaDispatch.Silo.Api;

/// <summary>
/// Campaigns: <c>POST /v1/campaigns</c> (JSON with an inline audience, or multipart with the audience as an
/// NDJSON or CSV file, streamed), <c>GET /v1/campaigns</c>, <c>GET /v1/campaigns/{id}</c>, and
/// <c>POST …/pause</c>, <c>…/resume</c>, <c>…/cancel</c>.
/// </summary>
internal static class CampaignsApi
{
    /// <summary>The largest audience upload: a million rows of a few values each fit comfortably.</summary>
    public const long MaxUploadBytes = 1L << 30;

    private static readonly HashSet<string> InlineAudience = ["audience"];

    /// <summary>The largest JSON body (definition with an inline audience).</summary>
    public const long MaxJsonBytes = 16L << 20;

    private static readonly Dictionary<string, string> Expectations = new(StringComparer.Ordinal)
    {
        ["phone_number_id"] = "must be a string",
        ["category"] = "must be MARKETING, UTILITY or AUTHENTICATION",
        ["start_at"] = "must be an ISO 8601 date and time, e.g. 2026-11-21T18:00:00Z",
        ["expires_at"] = "must be an ISO 8601 date and time, e.g. 2026-11-22T18:00:00Z",
        ["priority"] = "must be normal or high",
        ["biz_opaque_callback_data"] = "must be a string",
        ["callback_url"] = "must be a string: an absolute http or https URL",
    };

    /// <summary>Maps the campaign routes.</summary>
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/campaigns", CreateAsync);
        routes.MapGet("/v1/campaigns", ListAsync);
        routes.MapGet("/v1/campaigns/{id}", GetAsync);
        routes.MapPost("/v1/campaigns/{id}/pause", (string id, CampaignService runner) => ChangeAsync(id, runner, r => r.PauseAsync(id, "Paused by request."), "running or scheduled"));
        routes.MapPost("/v1/campaigns/{id}/resume", (string id, CampaignService runner) => ChangeAsync(id, runner, r => r.ResumeAsync(id), "paused"));
        routes.MapPost("/v1/campaigns/{id}/cancel", (string id, CampaignService runner) => ChangeAsync(id, runner, r => r.CancelAsync(id), "not ended"));
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, CampaignService runner, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var (key, badKey) = MessagesApi.IdempotencyKey(request, "campaign");
        if (badKey is not null)
        {
            return badKey;
        }

        try
        {
            if (request.HasFormContentType && MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && HeaderUtilities.RemoveQuotes(type.Boundary).Value is { Length: > 0 } boundary)
            {
                if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                {
                    limit.MaxRequestBodySize = MaxUploadBytes;
                }

                return await CreateFromMultipartAsync(new MultipartReader(boundary, request.Body), runner, key, cancellationToken);
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } jsonLimit)
            {
                jsonLimit.MaxRequestBodySize = MaxJsonBytes;
            }

            if (request.ContentLength > MaxJsonBytes)
            {
                return ApiErrors.InvalidParameter($"The request body is {request.ContentLength} bytes; the limit for JSON is {MaxJsonBytes} (upload larger audiences as a multipart NDJSON or CSV file).");
            }

            // The audience's rows are checked one by one: an unreadable row is skipped as invalid, not the whole request refused.
            var (body, error) = await ApiErrors.ReadBodyAsync(request, CampaignsJsonContext.Default.CampaignBody, Expectations, cancellationToken, InlineAudience);
            if (error is not null)
            {
                return error;
            }

            if (body!.Audience is not { ValueKind: JsonValueKind.Array } audience)
            {
                return ApiErrors.InvalidParameter("audience is required: a list of recipients ({\"to\": \"+16505551234\", …values}), or upload it as a multipart file.");
            }

            return await CreateCampaignAsync(body, Inline(audience), runner, key, cancellationToken);
        }
        catch (AudienceFormatException ex)
        {
            return ApiErrors.InvalidParameter(ex.Message);
        }
        catch (InvalidDataException ex)
        {
            return ApiErrors.InvalidParameter($"The multipart body cannot be read: {ex.Message}");
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // The body ended before its closing boundary: cut short, or its boundary is not the one the Content-Type names.
            return ApiErrors.InvalidParameter($"The multipart body ends before its closing boundary: it was cut short, or its parts are not separated by the boundary the Content-Type header names ({ex.Message}).");
        }
    }

    /// <summary>Parts in order: <c>campaign</c> (the JSON definition), then <c>audience</c> (NDJSON or CSV, by content type or file name).</summary>
    private static async Task<IResult> CreateFromMultipartAsync(MultipartReader reader, CampaignService runner, string? key, CancellationToken cancellationToken)
    {
        CampaignBody? body = null;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            var disposition = section.GetContentDispositionHeader();
            var name = HeaderUtilities.RemoveQuotes(disposition?.Name ?? default).Value;
            if (name == "campaign")
            {
                try
                {
                    using var definition = await JsonDocument.ParseAsync(section.Body, default, cancellationToken);
                    if (JsonText.FindUnreadable(definition.RootElement) is { } unreadable)
                    {
                        return ApiErrors.InvalidParameter($"campaign part: {unreadable.Path} is not valid text: it holds {unreadable.Reason}.");
                    }

                    body = definition.RootElement.Deserialize(CampaignsJsonContext.Default.CampaignBody);
                }
                catch (JsonException ex)
                {
                    var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
                    return ApiErrors.InvalidParameter(field is not null && Expectations.TryGetValue(field, out var expected) ? $"campaign part: {field} {expected}." : "The campaign part is not a valid campaign definition (JSON).");
                }
            }
            else if (name == "audience")
            {
                if (body is null)
                {
                    return ApiErrors.InvalidParameter("The campaign part must come before the audience part.");
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition?.FileName ?? default).Value ?? string.Empty;
                var csv = section.ContentType?.Contains("csv", StringComparison.OrdinalIgnoreCase) == true || fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
                var rows = csv ? AudienceReader.ReadCsvAsync(section.Body, cancellationToken) : AudienceReader.ReadNdjsonAsync(section.Body, cancellationToken);
                return await CreateCampaignAsync(body, rows, runner, key, cancellationToken);
            }
        }

        return ApiErrors.InvalidParameter("The multipart body needs a 'campaign' part (JSON) followed by an 'audience' part (NDJSON or CSV file).");
    }

    private static async Task<IResult> CreateCampaignAsync(CampaignBody body, IAsyncEnumerable<AudienceEntry> audience, CampaignService runner, string? key, CancellationToken cancellationToken)
    {
        if (AdminIds.Check(body.PhoneNumberId, "phone_number_id") is { } badId)
        {
            return ApiErrors.InvalidParameter(badId);
        }

        if (body.Template is not { ValueKind: JsonValueKind.Object } template)
        {
            return ApiErrors.InvalidParameter("template is required: the template object of a send (name, language, components), with {{key}} placeholders for per-recipient values.");
        }

        var request = new CampaignRequest(body.PhoneNumberId!, template.GetRawText())
        {
            Category = body.Category,
            StartAt = body.StartAt,
            ExpiresAt = body.ExpiresAt,
            Priority = body.Priority,
            BizOpaqueCallbackData = body.BizOpaqueCallbackData,
            CallbackUrl = body.CallbackUrl,
        };
        var (campaign, replayed, error) = await runner.CreateAsync(request, audience, key, cancellationToken);
        return error is not null
            ? ApiErrors.Error(error, error.Code == ErrorCodes.ServiceUnavailable ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest)
            : Results.Json(campaign, CampaignsJsonContext.Default.CampaignView, statusCode: replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created);
    }

    private static async IAsyncEnumerable<AudienceEntry> Inline(JsonElement audience)
    {
        foreach (var row in audience.EnumerateArray())
        {
            yield return AudienceReader.FromJson(row);
        }

        await Task.CompletedTask;
    }

    private static async Task<IResult> ListAsync(CampaignService runner, CancellationToken cancellationToken) =>
        Results.Json(new CampaignList(await runner.ListAsync(cancellationToken)), CampaignsJsonContext.Default.CampaignList);

    private static async Task<IResult> GetAsync(string id, CampaignService runner, CancellationToken cancellationToken) =>
        id.Length > AdminIds.MaxLength ? ApiErrors.InvalidParameter($"The campaign id is {id.Length} characters long; ids are 32.")
        : await runner.GetAsync(id, cancellationToken) is { } campaign ? Results.Json(campaign, CampaignsJsonContext.Default.CampaignView)
        : NotFound(id);

    private static async Task<IResult> ChangeAsync(string id, CampaignService runner, Func<CampaignService, Task<bool>> change, string expected)
    {
        if (id.Length > AdminIds.MaxLength || await runner.GetAsync(id) is null)
        {
            return NotFound(id);
        }

        // The state is read after the refusal, not before the change: a pause or cancel landing in between (a double
        // click) must not be answered with a state that allows the change.
        var changed = await change(runner);
        var after = (await runner.GetAsync(id))!;
        return changed
            ? Results.Json(after, CampaignsJsonContext.Default.CampaignView)
            : ApiErrors.Error(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid state", $"Campaign {id} is {JsonSerializer.Serialize(after.Status, CampaignsJsonContext.Default.CampaignStatus).Trim('"')}; this needs it {expected}."), StatusCodes.Status409Conflict);
    }

    private static IResult NotFound(string id) =>
        ApiErrors.Error(CloudApiError.Create(ErrorCodes.InvalidParameter, "Unknown campaign", $"No campaign has id {id}."), StatusCodes.Status404NotFound);
}

/// <summary>The definition of a campaign in <c>POST /v1/campaigns</c>.</summary>
internal sealed record CampaignBody
{
    /// <summary>The business number that sends.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The template object of a send, with <c>{{key}}</c> placeholders for per-recipient values.</summary>
    public JsonElement? Template { get; init; }

    /// <summary>Used when the catalog does not know the template.</summary>
    public string? Category { get; init; }

    /// <summary>When sending may start.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>After this instant nothing more is sent.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary><c>normal</c> or <c>high</c>.</summary>
    public string? Priority { get; init; }

    /// <summary>Passed to Meta with every message.</summary>
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>Where the status changes of the campaign's messages are posted, signed; optional.</summary>
    public string? CallbackUrl { get; init; }

    /// <summary>An inline audience: a list of <c>{"to": …, key: value, …}</c>.</summary>
    public JsonElement? Audience { get; init; }
}

/// <summary>The answer to <c>GET /v1/campaigns</c>.</summary>
/// <param name="Data">Every campaign, oldest first.</param>
internal sealed record CampaignList(IReadOnlyList<CampaignView> Data);

/// <summary>JSON of the campaigns API: snake_case, enums by their wire names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CampaignBody))]
[JsonSerializable(typeof(CampaignView))]
[JsonSerializable(typeof(CampaignList))]
internal sealed partial class CampaignsJsonContext : JsonSerializerContext;
