using System.Text.Json;
using System.Text.RegularExpressions;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Templates;
using WaDispatch.Simulator;
using WaDispatch.Simulator.Control;
using WaDispatch.Simulator.State;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the simulator's Meta surface and its control API under <c>/_sim</c>.</summary>
public static partial class SimulatorEndpoints
{
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
    private const int MaxScriptedFailures = 100_000;

    /// <summary>
    /// Maps <c>POST /{version}/{phone_number_id}/messages</c> and the <c>/_sim</c> control API on
    /// <paramref name="endpoints"/> — the application root, or a route group when mounted inside another app.
    /// </summary>
    public static IEndpointRouteBuilder MapCloudApiSimulator(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapPost("/{version}/{phoneNumberId}/messages", SendAsync);
        endpoints.MapGet("/{version}/{wabaId}/message_templates", ListTemplates);
        endpoints.MapSubscribedApps();
        var control = endpoints.MapGroup("/_sim");
        control.MapPost("/inbound", InboundAsync);
        control.MapPost("/user-preferences", UserPreferencesAsync);
        control.MapPut("/phone-numbers/{phoneNumberId}", PhoneNumberSettingsAsync);
        control.MapPost("/phone-numbers/{phoneNumberId}/failures", ScriptFailuresAsync);
        control.MapGet("/phone-numbers/{phoneNumberId}/stats", (string phoneNumberId, CloudApiSimulator simulator) =>
            TypedResults.Json(simulator.Stats(phoneNumberId), SimulatorJsonContext.Default.PhoneNumberStats));
        control.MapGet("/ledger", Ledger);
        control.MapPut("/recipients/{waId}", RecipientRuleAsync);
        control.MapDelete("/recipients/{waId}", (string waId, CloudApiSimulator simulator) =>
        {
            simulator.SetRecipientRule(waId, null);
            return TypedResults.NoContent();
        });
        control.MapPost("/templates", AddTemplateAsync);
        control.MapPut("/templates/{name}/{language}", UpdateTemplateAsync);
        control.MapGet("/webhooks", (CloudApiSimulator simulator) => TypedResults.Json(simulator.WebhookStats, SimulatorJsonContext.Default.WebhookStats));
        return endpoints;
    }

    private static async Task SendAsync(HttpContext context, string version, string phoneNumberId, CloudApiSimulator simulator, IOptionsMonitor<SimulatorOptions> options)
    {
        var max = options.CurrentValue.MaxRequestBytes;
        var body = await ReadBodyAsync(context.Request, max).ConfigureAwait(false);
        var reply = !ApiVersion().IsMatch(version)
            ? SimulatorReply.Error(400, CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", $"Unknown API version '{version}'; use the form v21.0."))
            : body is null
                ? SimulatorReply.Error(413, CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", $"The request body is larger than {max} bytes."))
                : simulator.Send(phoneNumberId, context.Request.Headers.Authorization, body);
        context.Response.StatusCode = reply.Status;
        context.Response.ContentType = reply.ContentType;
        await context.Response.Body.WriteAsync(reply.Body, context.RequestAborted).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^v\d+\.\d+$")]
    private static partial Regex ApiVersion();

    private const int MaxTemplatePage = 100;

    private static IResult ListTemplates(HttpContext context, string version, string wabaId, TemplateStore templates, IOptionsMonitor<SimulatorOptions> options)
    {
        var query = context.Request.Query;
        if (context.Request.Headers.Authorization != "Bearer " + options.CurrentValue.AccessToken)
        {
            return TypedResults.Json(new CloudApiErrorResponse { Error = CloudApiError.Create(ErrorCodes.AccessTokenExpired, "Invalid OAuth access token", "The access token could not be decrypted or is not valid for this WABA.") }, CloudApiJsonContext.Wire.CloudApiErrorResponse, statusCode: 401);
        }

        var limit = int.TryParse(query["limit"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked) ? Math.Clamp(asked, 1, MaxTemplatePage) : 25;
        var after = query["after"].ToString() is { Length: > 0 } cursor ? cursor : null;
        if (templates.Page(after, limit) is not { } read)
        {
            return Invalid(ErrorCodes.InvalidParameter, "Invalid parameter", $"The after cursor '{after}' is not one this list gave.");
        }

        var (page, more) = read;
        var paging = new GraphPaging
        {
            Cursors = page.Count == 0 ? null : new GraphCursors { Before = page[0].Id, After = page[^1].Id },
            Next = more ? $"{context.Request.Scheme}://{context.Request.Host}{context.Request.PathBase}/{version}/{wabaId}/message_templates?limit={limit}&after={page[^1].Id}" : null,
        };
        return TypedResults.Json(new MessageTemplatePage { Data = page, Paging = paging }, CloudApiJsonContext.Wire.MessageTemplatePage);
    }

    private static async Task<IResult> AddTemplateAsync(HttpContext context, TemplateStore templates)
    {
        var (template, problem) = await ReadAsync(context, CloudApiJsonContext.Wire.MessageTemplate).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return string.IsNullOrEmpty(template!.Name) || string.IsNullOrEmpty(template.Language) || string.IsNullOrEmpty(template.Category)
            ? Invalid(ErrorCodes.RequiredParameterMissing, "Required parameter is missing", "name, language and category are required.")
            : TypedResults.Json(templates.Put(template), CloudApiJsonContext.Wire.MessageTemplate);
    }

    private static async Task<IResult> UpdateTemplateAsync(HttpContext context, string name, string language, TemplateStore templates, CloudApiSimulator simulator)
    {
        var (request, problem) = await ReadAsync(context, SimulatorJsonContext.Default.TemplateUpdateRequest).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return templates.Update(name, language, request!.Status, request.Category, simulator.TemplateChanged) is { } updated
            ? TypedResults.Json(updated, CloudApiJsonContext.Wire.MessageTemplate)
            : Invalid(ErrorCodes.TemplateDoesNotExist, "Template name does not exist in the translation", $"No template {name} in {language}.");
    }

    private static async Task<IResult> InboundAsync(HttpContext context, CloudApiSimulator simulator)
    {
        var (request, problem) = await ReadAsync(context, SimulatorJsonContext.Default.InboundMessageRequest).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(request!.PhoneNumberId) || string.IsNullOrEmpty(request.From))
        {
            return Invalid(ErrorCodes.RequiredParameterMissing, "Required parameter is missing", "phone_number_id and from are required.");
        }

        if (request.Timestamp is < 0 or > MaxUnixSeconds)
        {
            return Invalid(ErrorCodes.ParameterValueInvalid, "Parameter value is not valid", $"timestamp is {request.Timestamp}; it must be Unix seconds from 0 to {MaxUnixSeconds}.");
        }

        var sentAt = request.Timestamp is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix) : (DateTimeOffset?)null;
        var id = simulator.Inbound(request.PhoneNumberId, request.From, request.Text ?? "Hi", sentAt);
        return TypedResults.Json(new AcceptedInbound(id), SimulatorJsonContext.Default.AcceptedInbound);
    }

    private static async Task<IResult> UserPreferencesAsync(HttpContext context, CloudApiSimulator simulator)
    {
        var (request, problem) = await ReadAsync(context, SimulatorJsonContext.Default.UserPreferenceRequest).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (string.IsNullOrEmpty(request!.PhoneNumberId) || string.IsNullOrEmpty(request.WaId) || request.Value is not ("stop" or "resume"))
        {
            return Invalid(ErrorCodes.ParameterValueInvalid, "Parameter value is not valid", "phone_number_id and wa_id are required and value must be 'stop' or 'resume'.");
        }

        simulator.SetUserPreference(request.PhoneNumberId, request.WaId, request.Value == "stop");
        return TypedResults.NoContent();
    }

    private static async Task<IResult> PhoneNumberSettingsAsync(HttpContext context, string phoneNumberId, CloudApiSimulator simulator)
    {
        var (request, problem) = await ReadAsync(context, SimulatorJsonContext.Default.PhoneNumberSettings).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.MessagesPerSecond is not > 0)
        {
            return Invalid(ErrorCodes.ParameterValueInvalid, "Parameter value is not valid", "messages_per_second must be a positive whole number.");
        }

        simulator.SetMessagesPerSecond(phoneNumberId, request.MessagesPerSecond.Value);
        if (request.StatusWebhooks is { } statusWebhooks)
        {
            simulator.SetStatusWebhooks(phoneNumberId, statusWebhooks);
        }

        return TypedResults.NoContent();
    }

    private static async Task<IResult> ScriptFailuresAsync(HttpContext context, string phoneNumberId, CloudApiSimulator simulator)
    {
        var (request, problem) = await ReadAsync(context, SimulatorJsonContext.Default.ScriptedFailureRequest).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.Code is null && request.RawBody is null)
        {
            return Invalid(ErrorCodes.RequiredParameterMissing, "Required parameter is missing", "code or raw_body is required.");
        }

        if (request.HttpStatus is < 400 or > 599 || request.Count is < 1 or > MaxScriptedFailures)
        {
            return Invalid(ErrorCodes.ParameterValueInvalid, "Parameter value is not valid", $"http_status must be 400 to 599 and count 1 to {MaxScriptedFailures}.");
        }

        simulator.ScriptFailure(phoneNumberId, new ScriptedFailure(request.Code ?? 0, request.HttpStatus ?? 400, request.RawBody), request.Count ?? 1);
        return TypedResults.NoContent();
    }

    private static IResult Ledger(HttpContext context, CloudApiSimulator simulator)
    {
        var phoneNumberId = context.Request.Query["phone_number_id"].ToString();
        return string.IsNullOrEmpty(phoneNumberId)
            ? Invalid(ErrorCodes.RequiredParameterMissing, "Required parameter is missing", "The query parameter phone_number_id is required.")
            : TypedResults.Json(simulator.Ledger(phoneNumberId), SimulatorJsonContext.Default.IReadOnlyListLedgerEntry);
    }

    private static async Task<IResult> RecipientRuleAsync(HttpContext context, string waId, CloudApiSimulator simulator)
    {
        var (request, problem) = await ReadAsync(context, SimulatorJsonContext.Default.RecipientRuleRequest).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        if (request!.StatusDelayMs is < 0)
        {
            return Invalid(ErrorCodes.ParameterValueInvalid, "Parameter value is not valid", "status_delay_ms must not be negative.");
        }

        simulator.SetRecipientRule(waId, new RecipientRule(request.FailWith, TimeSpan.FromMilliseconds(request.StatusDelayMs ?? 0)));
        return TypedResults.NoContent();
    }

    private static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = await context.Request.ReadFromJsonAsync(typeInfo, context.RequestAborted).ConfigureAwait(false);
            return value is null
                ? (null, Invalid(ErrorCodes.InvalidParameter, "Invalid parameter", "The request body must be a JSON object."))
                : (value, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            return (null, Invalid(ErrorCodes.InvalidParameter, "Invalid parameter", $"The request body is not valid JSON for this request: {ex.Message}"));
        }
    }

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<CloudApiErrorResponse> Invalid(int code, string title, string details) =>
        TypedResults.Json(new CloudApiErrorResponse { Error = CloudApiError.Create(code, title, details) }, CloudApiJsonContext.Wire.CloudApiErrorResponse, statusCode: 400);

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int max)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
