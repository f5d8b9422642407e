using System.Text.Json;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;

namespace WaDispatch.Silo.Api;

/// <summary>Cloud API-shaped error answers of WaDispatch's own API.</summary>
internal static class ApiErrors
{
    /// <summary>400 with code 100 "Invalid parameter" and <paramref name="details"/> naming the field and the limit.</summary>
    public static IResult InvalidParameter(string details) =>
        Results.Json(new CloudApiErrorResponse { Error = CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", details) }, CloudApiJsonContext.Wire.CloudApiErrorResponse, statusCode: StatusCodes.Status400BadRequest);

    /// <summary>502 carrying the upstream's error as it came, when a call WaDispatch made on the caller's behalf failed.</summary>
    public static IResult Upstream(CloudApiError error) =>
        Results.Json(new CloudApiErrorResponse { Error = error }, CloudApiJsonContext.Wire.CloudApiErrorResponse, statusCode: StatusCodes.Status502BadGateway);

    /// <summary>
    /// Reads a JSON body, or says precisely what is wrong with it: for a field that does not parse, its
    /// name and what <paramref name="expectations"/> says it must be.
    /// </summary>
    public static async Task<(T? Value, IResult? Error)> ReadBodyAsync<T>(
        HttpRequest request,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo,
        IReadOnlyDictionary<string, string> expectations,
        CancellationToken cancellationToken)
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
