namespace WaDispatch.Simulator.Control;

/// <summary>Body of <c>POST /_sim/user-preferences</c>: a user stops or resumes marketing.</summary>
public sealed record UserPreferenceRequest
{
    /// <summary>The business number.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The user's WhatsApp id.</summary>
    public string? WaId { get; init; }

    /// <summary><c>stop</c> or <c>resume</c>.</summary>
    public string? Value { get; init; }
}
