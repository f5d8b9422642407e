namespace WaDispatch.Storage.Campaigns;

/// <summary>One recipient of a campaign's audience.</summary>
/// <param name="Seq">Its position in the upload (from 1).</param>
/// <param name="WaId">The recipient (digits).</param>
/// <param name="Params">Its per-recipient values as a JSON object, or null.</param>
public sealed record AudienceRow(int Seq, string WaId, string? Params);
