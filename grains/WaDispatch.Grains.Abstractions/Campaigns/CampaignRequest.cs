namespace WaDispatch.Grains.Campaigns;

/// <summary>A campaign to create (<c>POST /v1/campaigns</c>), its audience given separately.</summary>
/// <param name="PhoneNumberId">The business number that sends.</param>
/// <param name="TemplateJson">The template object of the send request (name, language, components) as JSON, with <c>{{key}}</c> placeholders for per-recipient values.</param>
[GenerateSerializer]
[Alias("wadispatch.CampaignRequest")]
public sealed record CampaignRequest(string PhoneNumberId, string TemplateJson)
{
    /// <summary>MARKETING, UTILITY or AUTHENTICATION, used when the catalog does not know the template; the catalog's word wins.</summary>
    [Id(0)]
    public string? Category { get; init; }

    /// <summary>When sending may start; default now.</summary>
    [Id(1)]
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>After this instant nothing more is sent; default 24 h after the start.</summary>
    [Id(2)]
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary><c>normal</c> (the lane's bulk class, the default) or <c>high</c> (its transactional class, before other campaigns).</summary>
    [Id(3)]
    public string? Priority { get; init; }

    /// <summary>Passed to Meta with every message and returned in its status webhooks.</summary>
    [Id(4)]
    public string? BizOpaqueCallbackData { get; init; }

    /// <summary>Where the status changes of the campaign's messages are posted (signed), if anywhere.</summary>
    [Id(5)]
    public string? CallbackUrl { get; init; }
}
