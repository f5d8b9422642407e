namespace WaDispatch.Simulator.Control;

/// <summary>Body of <c>PUT /_sim/recipients/{wa_id}</c>.</summary>
public sealed record RecipientRuleRequest
{
    /// <summary>A code the user's messages fail with after acceptance (131026, 131050, 131049, …).</summary>
    public int? FailWith { get; init; }

    /// <summary>Extra delay of the user's statuses, in milliseconds.</summary>
    public int? StatusDelayMs { get; init; }
}
