namespace WaDispatch.CloudApi.Errors;

/// <summary>The dispatcher's reading of one error code.</summary>
/// <param name="Code">The code.</param>
/// <param name="Class">What to do.</param>
/// <param name="Retry">Whether and when to retry.</param>
/// <param name="Meaning">What the code means, for logs and operators.</param>
/// <param name="IsKnown">False when the code is not in the table and the safe fallback was used.</param>
public sealed record ErrorAction(int Code, ErrorClass Class, RetryHint Retry, string Meaning, bool IsKnown = true);
