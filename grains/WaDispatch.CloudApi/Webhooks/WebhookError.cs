namespace WaDispatch.CloudApi.Webhooks;

/// <summary>An error inside a webhook (<c>statuses[].errors</c>, <c>value.errors</c>).</summary>
public sealed record WebhookError
{
    /// <summary>The error code; decide on it and on the details.</summary>
    public int Code { get; init; }

    /// <summary>The title.</summary>
    public string? Title { get; init; }

    /// <summary>The message.</summary>
    public string? Message { get; init; }

    /// <summary>The specific reason.</summary>
    public Errors.CloudApiErrorData? ErrorData { get; init; }

    /// <summary>A documentation link.</summary>
    public string? Href { get; init; }
}
