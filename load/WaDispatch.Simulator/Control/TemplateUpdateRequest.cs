namespace WaDispatch.Simulator.Control;

/// <summary>Body of <c>PUT /_sim/templates/{name}/{language}</c>: what changes (either or both).</summary>
public sealed record TemplateUpdateRequest
{
    /// <summary>The new status, e.g. <c>PAUSED</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The new category, e.g. <c>MARKETING</c>.</summary>
    public string? Category { get; init; }
}
