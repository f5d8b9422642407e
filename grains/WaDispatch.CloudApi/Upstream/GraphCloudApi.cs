using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Templates;
using WaDispatch.CloudApi.Validation;

namespace WaDispatch.CloudApi.Upstream;

/// <summary>
/// The Graph API client: <c>POST {base}/{version}/{phone_number_id}/messages</c> with the number's Bearer
/// token. Validates first, so that a malformed send never costs throughput; parses every answer into a
/// typed result, including errors without a Cloud API body (a proxy's 502, a timeout).
/// </summary>
public sealed partial class GraphCloudApi : ICloudApi
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly HttpClient _http;
    private readonly IOptionsMonitor<CloudApiOptions> _options;
    private readonly ILogger<GraphCloudApi> _logger;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the client over an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
    public GraphCloudApi(HttpClient http, IOptionsMonitor<CloudApiOptions> options, ILogger<GraphCloudApi> logger, TimeProvider timeProvider)
    {
        _http = http;
        _options = options;
        _logger = logger;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public async Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest request, string? tokenReference = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentNullException.ThrowIfNull(request);
        if (SendMessageValidator.Validate(request) is { } invalid)
        {
            return SendResult.Failure(invalid, httpStatus: 0);
        }

        var options = _options.CurrentValue;
        var tokenName = tokenReference ?? phoneNumberId;
        if (options.TokenFor(tokenName) is not { } token)
        {
            return SendResult.Failure(MissingToken($"phone number {phoneNumberId}", tokenName), httpStatus: 0);
        }

        var uri = new Uri(WithTrailingSlash(options.BaseAddress), $"{options.ApiVersion}/{Uri.EscapeDataString(phoneNumberId)}/messages");
        using var message = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, CloudApiJsonContext.Wire.SendMessageRequest)) { Headers = { ContentType = Json } },
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return Interpret(response, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            // Neither the caller nor the send timeout: the handler's connect timeout, before anything was sent.
            return Transport("Could not connect in time.", outcomeUnknown: false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Transport($"No answer within {options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s; the message may or may not have been accepted.", outcomeUnknown: true);
        }
        catch (HttpRequestException ex)
        {
            // A failure to connect never reached Meta; anything later might have.
            var beforeSending = ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.SecureConnectionError;
            return Transport($"The request failed: {ex.HttpRequestError}.", outcomeUnknown: !beforeSending);
        }
    }

    /// <inheritdoc />
    public async Task<TemplatePageResult> ListTemplatesAsync(string wabaId, string? after = null, int limit = 100, string? tokenReference = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(wabaId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var options = _options.CurrentValue;
        var tokenName = tokenReference ?? wabaId;
        if (options.TokenFor(tokenName) is not { } token)
        {
            return new TemplatePageResult(null, MissingToken($"WABA {wabaId}", tokenName));
        }

        var query = $"limit={limit.ToString(CultureInfo.InvariantCulture)}" + (after is null ? string.Empty : "&after=" + Uri.EscapeDataString(after));
        var uri = new Uri(WithTrailingSlash(options.BaseAddress), $"{options.ApiVersion}/{Uri.EscapeDataString(wabaId)}/message_templates?{query}");
        using var message = new HttpRequestMessage(HttpMethod.Get, uri);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            if (response.IsSuccessStatusCode && TryParse(body, CloudApiJsonContext.Wire.MessageTemplatePage) is { Data: not null } page)
            {
                return new TemplatePageResult(page, null);
            }

            return new TemplatePageResult(null, TryParse(body, CloudApiJsonContext.Wire.CloudApiErrorResponse)?.Error
                ?? CloudApiError.Create(ErrorCodes.TransportRejected, "Unexpected answer", $"HTTP {(int)response.StatusCode} without a template page or a Cloud API error."));
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new TemplatePageResult(null, CloudApiError.Create(ErrorCodes.TransportFailure, "No Cloud API answer", $"Reading the templates of WABA {wabaId} failed: {ex.Message}"));
        }
    }

    /// <summary>No token is configured under <paramref name="tokenName"/> nor as the default; the call never reaches the wire.</summary>
    internal static CloudApiError MissingToken(string subject, string tokenName) =>
        CloudApiError.Create(ErrorCodes.AuthException, "Authentication error", $"No access token is configured for {subject}: set CloudApi:AccessTokens:{tokenName} or CloudApi:AccessToken.");

    internal static Uri WithTrailingSlash(Uri baseAddress) =>
        baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");

    private static SendResult Transport(string details, bool outcomeUnknown) =>
        SendResult.Failure(CloudApiError.Create(ErrorCodes.TransportFailure, "No Cloud API answer", details), httpStatus: 0, outcomeUnknown: outcomeUnknown);

    /// <summary>The response's <c>Retry-After</c> as a delay from now (a date already past is zero), or null without one.</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var after = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return after < TimeSpan.Zero ? TimeSpan.Zero : after;
    }

    internal static T? TryParse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private SendResult Interpret(HttpResponseMessage response, byte[] body)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfterOf(response, _timeProvider);
        if (response.IsSuccessStatusCode)
        {
            var accepted = TryParse(body, CloudApiJsonContext.Wire.SendMessageResponse);
            if (accepted?.Messages is [{ Id.Length: > 0 }, ..])
            {
                return SendResult.Success(accepted, status);
            }

            if (TryParse(body, CloudApiJsonContext.Wire.CloudApiErrorResponse)?.Error is { } successError)
            {
                return Classified(successError, status, retryAfter);
            }

            // Something answered 2xx without a message id: it may have been Meta. Not retried, so never doubled.
            return SendResult.Failure(
                CloudApiError.Create(ErrorCodes.TransportRejected, "Unexpected answer", $"HTTP {status} without a message id in the body."),
                status,
                retryAfter,
                outcomeUnknown: true);
        }

        if (TryParse(body, CloudApiJsonContext.Wire.CloudApiErrorResponse)?.Error is { } error)
        {
            return Classified(error, status, retryAfter);
        }

        var transient = status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;
        var code = transient ? ErrorCodes.TransportFailure : ErrorCodes.TransportRejected;
        // A gateway that failed or timed out upstream may have forwarded the request.
        var forwarded = response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
        return SendResult.Failure(
            CloudApiError.Create(code, "No Cloud API error body", $"HTTP {status} {response.ReasonPhrase} without a Cloud API error body."),
            status,
            retryAfter,
            outcomeUnknown: forwarded);
    }

    private SendResult Classified(CloudApiError error, int status, TimeSpan? retryAfter)
    {
        var result = SendResult.Failure(error, status, retryAfter);
        if (!result.Action!.IsKnown)
        {
            LogUnknownErrorCode(error.Code, status, error.Details);
        }

        return result;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Cloud API error code {Code} (HTTP {Status}) is not in the classification table; treated as a permanent request error: {Details}")]
    private partial void LogUnknownErrorCode(int code, int status, string details);
}
