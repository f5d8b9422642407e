using WaDispatch.CloudApi.Errors;

namespace WaDispatch.Client;

/// <summary>WaDispatch could not do what was asked, for a reason that is not an expected send outcome.</summary>
public sealed class WaDispatchException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WaDispatchException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public WaDispatchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public WaDispatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for <paramref name="error"/> answered with <paramref name="httpStatus"/>.</summary>
    public WaDispatchException(CloudApiError? error, int? httpStatus, bool isTransient, TimeSpan? retryAfter, Exception? innerException = null)
        : base(Describe(error, httpStatus), innerException)
    {
        Error = error;
        HttpStatus = httpStatus;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
    }

    /// <summary>The Cloud API-shaped error, when the silo sent one (code and details).</summary>
    public CloudApiError? Error { get; }

    /// <summary>The error code, when known.</summary>
    public int? Code => Error?.Code;

    /// <summary>The HTTP status, when there was an answer.</summary>
    public int? HttpStatus { get; }

    /// <summary>True when the same call may succeed later (network, overload, throttling); false when it must change first.</summary>
    public bool IsTransient { get; }

    /// <summary>When retrying makes sense, how long to wait.</summary>
    public TimeSpan? RetryAfter { get; }

    private static string Describe(CloudApiError? error, int? httpStatus) =>
        error is not null ? $"WaDispatch answered {httpStatus}: code {error.Code}, {error.Details}"
        : httpStatus is not null ? $"WaDispatch answered {httpStatus} without an error body."
        : "WaDispatch could not be reached.";
}
