namespace WaDispatch.CloudApi.Errors;

/// <summary>The envelope of a synchronous error: <c>{"error": {...}}</c>.</summary>
public sealed record CloudApiErrorResponse
{
    /// <summary>The error.</summary>
    public CloudApiError? Error { get; init; }
}
