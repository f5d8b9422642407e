namespace WaDispatch.CloudApi.Management;

/// <summary>The wire shape of <c>GET /{waba_id}/subscribed_apps</c>: <c>{"data":[{"whatsapp_business_api_data":{…}}]}</c>.</summary>
public sealed record SubscribedAppsPage
{
    /// <summary>The subscribed apps.</summary>
    public IReadOnlyList<SubscribedAppEntry>? Data { get; init; }
}

/// <summary>One entry of <see cref="SubscribedAppsPage"/>.</summary>
public sealed record SubscribedAppEntry
{
    /// <summary>The app.</summary>
    public SubscribedAppData? WhatsappBusinessApiData { get; init; }

    /// <summary>The WABA's own callback URL, when one was set.</summary>
    public string? OverrideCallbackUri { get; init; }
}

/// <summary>The app in a <see cref="SubscribedAppEntry"/>.</summary>
public sealed record SubscribedAppData
{
    /// <summary>The app's link.</summary>
    public string? Link { get; init; }

    /// <summary>The app's name.</summary>
    public string? Name { get; init; }

    /// <summary>The app id.</summary>
    public string? Id { get; init; }
}
