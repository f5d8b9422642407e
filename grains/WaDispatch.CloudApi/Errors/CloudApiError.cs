using System.Globalization;

namespace WaDispatch.CloudApi.Errors;

/// <summary>A synchronous Cloud API error. Decide on <see cref="Code"/> and <see cref="ErrorData"/>, never on the message.</summary>
public sealed record CloudApiError
{
    /// <summary>E.g. <c>(#130429) Rate limit hit</c>.</summary>
    public string? Message { get; init; }

    /// <summary>E.g. <c>OAuthException</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The error code; see <see cref="ErrorCodes"/>. Required: a body without one is not read as a Cloud API error.</summary>
    [System.Text.Json.Serialization.JsonRequired]
    public int Code { get; init; }

    /// <summary>A sub-code some errors carry.</summary>
    public int? ErrorSubcode { get; init; }

    /// <summary>The specific reason.</summary>
    public CloudApiErrorData? ErrorData { get; init; }

    /// <summary>Meta's trace id, for support requests.</summary>
    public string? FbtraceId { get; init; }

    /// <summary>The error's details, or its message when there are none.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string Details => ErrorData?.Details ?? Message ?? string.Empty;

    /// <summary>Creates an error the way Meta shapes it: message <c>(#code) title</c>, details in <c>error_data</c>.</summary>
    public static CloudApiError Create(int code, string title, string details, string? traceId = null) => new()
    {
        Message = string.Create(CultureInfo.InvariantCulture, $"(#{code}) {title}"),
        Type = "OAuthException",
        Code = code,
        ErrorData = new CloudApiErrorData { MessagingProduct = "whatsapp", Details = details },
        FbtraceId = traceId,
    };
}
