namespace WaDispatch.CloudApi.Templates;

/// <summary>One button of a stored template.</summary>
public sealed record MessageTemplateButton
{
    /// <summary><c>QUICK_REPLY</c>, <c>URL</c>, <c>PHONE_NUMBER</c>, <c>COPY_CODE</c>, <c>OTP</c>, …</summary>
    public string? Type { get; init; }

    /// <summary>The label.</summary>
    public string? Text { get; init; }

    /// <summary>For <c>URL</c>: the address, possibly with a <c>{{1}}</c> suffix placeholder.</summary>
    public string? Url { get; init; }

    /// <summary>For <c>PHONE_NUMBER</c>: the number dialled.</summary>
    public string? PhoneNumber { get; init; }
}
