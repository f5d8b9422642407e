using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.CloudApi.Upstream;

namespace WaDispatch.CloudApi.Management;

/// <summary>
/// The Graph API's <c>/{version}/{waba_id}/subscribed_apps</c> calls, on an <see cref="HttpClient"/> of their own so that
/// a slow or throttled management call never holds a connection a send needs. Parses Meta's answers in their old and new
/// shapes (<c>{"success": true}</c>, <c>{"success": "true"}</c>, <c>true</c>) and its usage headers.
/// </summary>
public sealed class GraphWabaManagement : IWabaManagement
{
    private readonly HttpClient _http;
    private readonly IOptionsMonitor<CloudApiOptions> _options;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the client over an <see cref="HttpClient"/> from <c>IHttpClientFactory</c>.</summary>
    public GraphWabaManagement(HttpClient http, IOptionsMonitor<CloudApiOptions> options, TimeProvider timeProvider)
    {
        _http = http;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public Task<ManagementResult> ListSubscribedAppsAsync(string wabaId, string? tokenReference = null, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Get, wabaId, content: null, tokenReference, list: true, cancellationToken);

    /// <inheritdoc />
    public Task<ManagementResult> SubscribeAppAsync(string wabaId, WebhookOverride? callback = null, string? tokenReference = null, CancellationToken cancellationToken = default)
    {
        var content = callback is null
            ? null
            : new FormUrlEncodedContent([
                new("override_callback_uri", callback.CallbackUri.AbsoluteUri),
                new("verify_token", callback.VerifyToken),
            ]);
        return CallAsync(HttpMethod.Post, wabaId, content, tokenReference, list: false, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ManagementResult> UnsubscribeAppAsync(string wabaId, string? tokenReference = null, CancellationToken cancellationToken = default) =>
        CallAsync(HttpMethod.Delete, wabaId, content: null, tokenReference, list: false, cancellationToken);

    /// <summary>
    /// Reads Meta's usage headers: <c>X-App-Usage</c> (<c>{"call_count":…,"total_cputime":…,"total_time":…}</c>) and
    /// <c>X-Business-Use-Case-Usage</c> (<c>{"{id}":[{"type":…,"call_count":…,"estimated_time_to_regain_access":…}]}</c>).
    /// Null when neither is present or readable.
    /// </summary>
    public static ManagementUsage? ParseUsage(string? appUsage, string? businessUsage)
    {
        var percent = -1;
        var regainMinutes = 0;
        foreach (var header in new[] { appUsage, businessUsage })
        {
            if (string.IsNullOrWhiteSpace(header))
            {
                continue;
            }

            try
            {
                using var document = JsonDocument.Parse(header);
                Visit(document.RootElement, ref percent, ref regainMinutes);
            }
            catch (JsonException)
            {
                // A header Meta shaped otherwise tells us nothing; the error codes still do.
            }
        }

        return percent < 0 && regainMinutes == 0
            ? null
            : new ManagementUsage(Math.Max(percent, 0), regainMinutes > 0 ? TimeSpan.FromMinutes(regainMinutes) : null);

        static void Visit(JsonElement element, ref int percent, ref int regainMinutes)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (Number(property.Value) is { } value)
                        {
                            if (property.NameEquals("estimated_time_to_regain_access"))
                            {
                                regainMinutes = Math.Max(regainMinutes, value);
                            }
                            else if (property.NameEquals("call_count") || property.NameEquals("total_cputime") || property.NameEquals("total_time"))
                            {
                                percent = Math.Max(percent, value);
                            }
                        }
                        else
                        {
                            Visit(property.Value, ref percent, ref regainMinutes);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Visit(item, ref percent, ref regainMinutes);
                    }

                    break;
            }
        }

        static int? Number(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetDouble(out var d) => (int)Math.Clamp(Math.Ceiling(d), 0, 100_000),
            JsonValueKind.String when double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (int)Math.Clamp(Math.Ceiling(d), 0, 100_000),
            _ => null,
        };
    }

    /// <summary>Whether a 2xx body says the call succeeded: <c>{"success": true}</c>, <c>{"success": "true"}</c> or <c>true</c>.</summary>
    public static bool IsSuccess(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            var flag = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var success) ? success : root;
            return flag.ValueKind == JsonValueKind.True
                || (flag.ValueKind == JsonValueKind.String && string.Equals(flag.GetString(), "true", StringComparison.OrdinalIgnoreCase));
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(body).Trim() is "true" or "\"true\"";
        }
    }

    private async Task<ManagementResult> CallAsync(HttpMethod method, string wabaId, HttpContent? content, string? tokenReference, bool list, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(wabaId);
        using var body = content;
        var options = _options.CurrentValue;
        var tokenName = tokenReference ?? wabaId;
        if (options.TokenFor(tokenName) is not { } token)
        {
            return new ManagementResult { Error = GraphCloudApi.MissingToken($"WABA {wabaId}", tokenName) };
        }

        var uri = new Uri(GraphCloudApi.WithTrailingSlash(options.BaseAddress), $"{options.ApiVersion}/{Uri.EscapeDataString(wabaId)}/subscribed_apps");
        using var request = new HttpRequestMessage(method, uri) { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            var usage = ParseUsage(Header(response, "X-App-Usage"), Header(response, "X-Business-Use-Case-Usage"));
            var retryAfter = GraphCloudApi.RetryAfterOf(response, _timeProvider);
            var result = new ManagementResult { HttpStatus = (int)response.StatusCode, Usage = usage, RetryAfter = retryAfter };
            if (response.IsSuccessStatusCode)
            {
                if (list && GraphCloudApi.TryParse(answer, CloudApiJsonContext.Wire.SubscribedAppsPage) is { Data: { } data })
                {
                    return result with
                    {
                        Succeeded = true,
                        Apps = [.. data.Where(e => e is not null).Select(e => new SubscribedApp(e.WhatsappBusinessApiData?.Id, e.WhatsappBusinessApiData?.Name, e.WhatsappBusinessApiData?.Link, e.OverrideCallbackUri))],
                    };
                }

                if (!list && IsSuccess(answer))
                {
                    return result with { Succeeded = true };
                }
            }

            return result with
            {
                Error = GraphCloudApi.TryParse(answer, CloudApiJsonContext.Wire.CloudApiErrorResponse)?.Error
                    ?? CloudApiError.Create(ErrorCodes.TransportRejected, "Unexpected answer", $"HTTP {(int)response.StatusCode} to {method} subscribed_apps of WABA {wabaId} without {(list ? "a list" : "success")} or a Cloud API error."),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new ManagementResult { Error = CloudApiError.Create(ErrorCodes.TransportFailure, "No Cloud API answer", $"{method} subscribed_apps of WABA {wabaId} failed: {ex.Message}") };
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
