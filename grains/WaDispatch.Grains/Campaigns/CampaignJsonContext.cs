using System.Text.Json.Serialization;

namespace WaDispatch.Grains.Campaigns;

/// <summary>JSON of a campaign's per-recipient values.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CampaignJsonContext : JsonSerializerContext;
