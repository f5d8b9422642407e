using System.Text.Json;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.Silo.Api;

/// <summary>Cloud API-shaped error answers of WaDispatch's own API.</summary>
internal static class ApiErrors
{
    /// <summary>400 with code 100 "Invalid parameter" and <paramref name="details"/> naming the field and the limit.</summary>
    public static IResult InvalidParameter(string details) =>
        Error(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details), StatusCodes.Status400BadRequest);

    /// <summary>Sets <c>Retry-After</c> to <paramref name="wait"/> in whole seconds, at least one.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>502 carrying the upstream's error as it came, when a call WaDispatch made on the caller's behalf failed.</summary>
    public static IResult Upstream(CloudApiError error) => Error(error, StatusCodes.Status502BadGateway);

    /// <summary>
    /// <paramref name="error"/> with HTTP <paramref name="status"/>. On WaDispatch's own API (<c>/v1/…</c>) an RFC 7807
    /// problem (<c>application/problem+json</c>: type, title, status, detail) that also carries the Cloud API error
    /// under <c>error</c>; elsewhere (the Cloud API-compatible route) exactly Meta's shape, <c>{"error": …}</c>.
    /// </summary>
    public static IResult Error(CloudApiError error, int status) => new ErrorResult(error, status);

    private sealed class ErrorResult(CloudApiError error, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            if (!httpContext.Request.Path.StartsWithSegments("/v1"))
            {
                return httpContext.Response.WriteAsJsonAsync(new CloudApiErrorResponse { Error = error }, CloudApiJsonContext.Wire.CloudApiErrorResponse);
            }

            var problem = new ProblemBody(
                $"https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes#{error.Code}",
                error.Message ?? "Error",
                status,
                error.Details,
                error);
            return httpContext.Response.WriteAsJsonAsync(problem, ProblemJsonContext.Default.ProblemBody, "application/problem+json");
        }
    }

    /// <summary>
    /// Reads a JSON body, or says precisely what is wrong with it: for a field that does not parse, its
    /// name and what <paramref name="expectations"/> says it must be.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="typeInfo">What the body must read as.</param>
    /// <param name="expectations">For each field, what it must be, said when it does not parse.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <param name="lenient">Top-level properties whose text is checked by the route itself (a campaign's audience skips unreadable rows).</param>
    public static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(
        HttpRequest request,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        IReadOnlyDictionary<string, string> expectations,
        CancellationToken cancellationToken,
        IReadOnlySet<string>? lenient = null)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, InvalidParameter("The request body must be JSON (Content-Type: application/json)."));
        }

        // Syntax first, then types: so that a truncated body is not blamed on the field it broke off in.
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return (null, InvalidParameter($"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, InvalidParameter("The request body must be a JSON object."));
            }

            if (JsonText.FindUnreadable(document.RootElement, lenient) is { } unreadable)
            {
                return (null, InvalidParameter($"{unreadable.Path} is not valid text: it holds {unreadable.Reason}."));
            }

            try
            {
                return (document.RootElement.Deserialize(typeInfo), null);
            }
            catch (JsonException ex)
            {
                var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "The request body";
                return (null, InvalidParameter(expectations.TryGetValue(field, out var expected) ? $"{field} {expected}." : $"{field} has a value of the wrong type."));
            }
        }
    }
}

/// <summary>An RFC 7807 problem carrying the Cloud API error too, so that clients of either convention read it.</summary>
/// <param name="Type">Where the error code is explained.</param>
/// <param name="Title">The error's title.</param>
/// <param name="Status">The HTTP status.</param>
/// <param name="Detail">What is wrong, naming the field and the limit.</param>
/// <param name="Error">The same error, Cloud API-shaped.</param>
internal sealed record ProblemBody(string Type, string Title, int Status, string Detail, CloudApiError Error);

/// <summary>JSON of <see cref="ProblemBody"/>: RFC 7807's member names, the Cloud API error in snake_case.</summary>
[System.Text.Json.Serialization.JsonSourceGenerationOptions(
    PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ProblemJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
