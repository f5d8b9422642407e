namespace WaDispatch.Simulator.Control;

/// <summary>Body of <c>POST /_sim/inbound</c>: a user messages a business number.</summary>
public sealed record InboundMessageRequest
{
    /// <summary>The business number.</summary>
    public string? PhoneNumberId { get; init; }

    /// <summary>The user's WhatsApp id.</summary>
    public string? From { get; init; }

    /// <summary>The text; default "Hi".</summary>
    public string? Text { get; init; }

    /// <summary>When the user sent it (Unix seconds); default now. Older times test out-of-order delivery.</summary>
    public long? Timestamp { get; init; }
}
