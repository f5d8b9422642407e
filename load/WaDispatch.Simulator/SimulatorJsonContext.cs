using System.Text.Json.Serialization;
using WaDispatch.Simulator.Control;
using WaDispatch.Simulator.State;
using WaDispatch.Simulator.Webhooks;

namespace WaDispatch.Simulator;

/// <summary>Source-generated JSON of the simulator's control API, snake_case like Meta's.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InboundMessageRequest))]
[JsonSerializable(typeof(UserPreferenceRequest))]
[JsonSerializable(typeof(PhoneNumberSettings))]
[JsonSerializable(typeof(RecipientRuleRequest))]
[JsonSerializable(typeof(ScriptedFailureRequest))]
[JsonSerializable(typeof(AcceptedInbound))]
[JsonSerializable(typeof(PhoneNumberStats))]
[JsonSerializable(typeof(IReadOnlyList<LedgerEntry>))]
[JsonSerializable(typeof(WebhookStats))]
[JsonSerializable(typeof(TemplateUpdateRequest))]
public sealed partial class SimulatorJsonContext : JsonSerializerContext;
