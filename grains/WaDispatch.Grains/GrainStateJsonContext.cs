using System.Text.Json.Serialization;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;

namespace WaDispatch.Grains;

/// <summary>Source-generated JSON for the domain grains' persisted state; enums by name, so reordering one never corrupts state.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(LaneSettings))]
[JsonSerializable(typeof(PhoneNumberDirectoryState))]
[JsonSerializable(typeof(BusinessSettings))]
[JsonSerializable(typeof(RecipientState))]
[JsonSerializable(typeof(TemplateCatalogState))]
[JsonSerializable(typeof(TemplateRegistryState))]
[JsonSerializable(typeof(CampaignState))]
[JsonSerializable(typeof(CampaignRegistryState))]
[JsonSerializable(typeof(CampaignKeyState))]
internal sealed partial class GrainStateJsonContext : JsonSerializerContext;
