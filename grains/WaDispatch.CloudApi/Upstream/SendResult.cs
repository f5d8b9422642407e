using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;

namespace WaDispatch.CloudApi.Upstream;

/// <summary>The outcome of one send: Meta's response, or a typed error with what to do about it.</summary>
public sealed record SendResult
{
    /// <summary>Meta's response when the message was accepted.</summary>
    public SendMessageResponse? Response { get; init; }

    /// <summary>The error when it was not.</summary>
    public CloudApiError? Error { get; init; }

    /// <summary>What to do about <see cref="Error"/>.</summary>
    public ErrorAction? Action { get; init; }

    /// <summary>The HTTP status, or 0 when no answer came.</summary>
    public int HttpStatus { get; init; }

    /// <summary>The upstream's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// True when the request may have reached Meta although no answer came back (a timeout or a broken
    /// connection after sending): retrying could send the message twice.
    /// </summary>
    public bool OutcomeUnknown { get; init; }

    /// <summary>Whether Meta accepted the message.</summary>
    public bool IsSuccess => Response is not null;

    /// <summary>The accepted message's <c>wamid</c>.</summary>
    public string? MessageId => Response?.Messages is [{ } first, ..] ? first.Id : null;

    /// <summary>An accepted send.</summary>
    public static SendResult Success(SendMessageResponse response, int httpStatus) => new() { Response = response, HttpStatus = httpStatus };

    /// <summary>A failed send, classified.</summary>
    public static SendResult Failure(CloudApiError error, int httpStatus, TimeSpan? retryAfter = null, bool outcomeUnknown = false) => new()
    {
        Error = error,
        Action = ErrorClassification.Classify(error.Code),
        HttpStatus = httpStatus,
        RetryAfter = retryAfter,
        OutcomeUnknown = outcomeUnknown,
    };
}
