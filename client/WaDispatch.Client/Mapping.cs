using System.Text.Json;

namespace WaDispatch.Client;

/// <summary>The silo's JSON (snake_case, enums by wire name) as the client's types; the embedded dispatcher uses it too.</summary>
internal static class Mapping
{
    /// <summary>A campaign from the silo's JSON of it.</summary>
    public static CampaignInfo Campaign(JsonElement campaign)
    {
        var counts = campaign.GetProperty("counts");
        return new CampaignInfo
        {
            Id = campaign.GetProperty("id").GetString()!,
            Status = campaign.GetProperty("status").GetString()!,
            PauseReason = campaign.TryGetProperty("pause_reason", out var reason) ? reason.GetString() : null,
            Recipients = counts.GetProperty("recipients").GetInt32(),
            Pending = counts.GetProperty("pending").GetInt64(),
            Sent = counts.GetProperty("sent").GetInt64(),
            Delivered = counts.GetProperty("delivered").GetInt64(),
            Failed = Counts(counts.GetProperty("failed")),
            Skipped = Counts(counts.GetProperty("skipped")),
            Deferred = Counts(counts.GetProperty("deferred")),
            Expired = counts.GetProperty("expired").GetInt64(),
            RateMps = campaign.GetProperty("rate_mps").GetInt64(),
            Eta = campaign.TryGetProperty("eta", out var eta) ? eta.GetDateTimeOffset() : null,
            Raw = campaign.Clone(),
        };
    }

    private static Dictionary<string, long> Counts(JsonElement counts) =>
        counts.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal);

    /// <summary>A lane from the silo's JSON of it.</summary>
    public static LaneInfo Lane(JsonElement lane) =>
        new(lane.GetProperty("phone_number_id").GetString()!, lane.GetProperty("throughput_mps").GetInt32(), lane.GetProperty("status").GetString()!, lane.Clone());

    /// <summary>A business from the silo's JSON of it.</summary>
    public static BusinessInfo Business(JsonElement business) =>
        new(business.GetProperty("business_id").GetString()!, business.GetProperty("messaging_limit_tier").GetString()!, business.Clone());
}
