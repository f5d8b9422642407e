namespace WaDispatch.CloudApi.Management;

/// <summary>
/// What Meta's usage headers (<c>X-Business-Use-Case-Usage</c>, <c>X-App-Usage</c>) said about the management
/// rate limit: the highest of the call count, CPU time and total time percentages, and how long until access
/// returns when Meta named it.
/// </summary>
/// <param name="Percent">The highest usage percentage reported, 0 to 100 (more when over).</param>
/// <param name="RegainAccessIn">Meta's <c>estimated_time_to_regain_access</c> (minutes on the wire), when above zero.</param>
public sealed record ManagementUsage(int Percent, TimeSpan? RegainAccessIn);
