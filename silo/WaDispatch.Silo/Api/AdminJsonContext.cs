using System.Text.Json.Serialization;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Wabas;

namespace WaDispatch.Silo.Api;

/// <summary>Source-generated JSON of the admin API: snake_case like the Cloud API, enums by their wire names.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip)]
[JsonSerializable(typeof(LaneConfiguration))]
[JsonSerializable(typeof(LaneSnapshot))]
[JsonSerializable(typeof(BusinessConfiguration))]
[JsonSerializable(typeof(BusinessSnapshot))]
[JsonSerializable(typeof(BudgetPreflight))]
[JsonSerializable(typeof(TemplateCatalogSnapshot))]
[JsonSerializable(typeof(WabaView))]
[JsonSerializable(typeof(WabaSubscription))]
[JsonSerializable(typeof(SubscriptionRequest))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
