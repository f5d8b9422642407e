namespace WaDispatch.CloudApi.Errors;

/// <summary>The <c>error_data</c> of an error: the specific reason.</summary>
public sealed record CloudApiErrorData
{
    /// <summary>Always <c>whatsapp</c>.</summary>
    public string? MessagingProduct { get; init; }

    /// <summary>What exactly was wrong, e.g. which field and which limit.</summary>
    public string? Details { get; init; }
}
