namespace WaDispatch.CloudApi.Management;

/// <summary>One app subscribed to a WABA, as <c>GET …/subscribed_apps</c> lists it.</summary>
/// <param name="Id">The app id.</param>
/// <param name="Name">The app's name.</param>
/// <param name="Link">The app's link.</param>
/// <param name="OverrideCallbackUri">The WABA's own callback URL, when one was set.</param>
public sealed record SubscribedApp(string? Id, string? Name, string? Link, string? OverrideCallbackUri);
