namespace WaDispatch.CloudApi.Webhooks;

/// <summary>The value of a <c>phone_number_name_update</c> change: Meta's decision on a requested display name.</summary>
public sealed record PhoneNumberNameUpdateValue
{
    /// <summary>The number, as displayed.</summary>
    public string? DisplayPhoneNumber { get; init; }

    /// <summary><c>APPROVED</c>, <c>REJECTED</c> or <c>DEFERRED</c>.</summary>
    public string? Decision { get; init; }

    /// <summary>The name asked for.</summary>
    public string? RequestedVerifiedName { get; init; }

    /// <summary>Why it was rejected, when it was.</summary>
    public string? RejectionReason { get; init; }
}
