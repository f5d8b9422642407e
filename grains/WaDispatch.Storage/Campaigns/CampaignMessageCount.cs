namespace WaDispatch.Storage.Campaigns;

/// <summary>How many of a campaign's messages share a status, error code, skip reason and waiting flag.</summary>
/// <param name="Status">The ledger status.</param>
/// <param name="ErrorCode">Their error code, 0 for none.</param>
/// <param name="Reason">Their skip reason, empty for none.</param>
/// <param name="Waiting">True for accepted messages held back until a retry time (deferred).</param>
/// <param name="Count">How many.</param>
public sealed record CampaignMessageCount(string Status, int ErrorCode, string Reason, bool Waiting, long Count);
