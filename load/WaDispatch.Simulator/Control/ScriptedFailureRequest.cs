namespace WaDispatch.Simulator.Control;

/// <summary>Body of <c>POST /_sim/phone-numbers/{id}/failures</c>: the next sends fail synchronously.</summary>
public sealed record ScriptedFailureRequest
{
    /// <summary>The Cloud API error code to answer with.</summary>
    public int? Code { get; init; }

    /// <summary>How many sends; default 1.</summary>
    public int? Count { get; init; }

    /// <summary>The HTTP status; default 400.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>A body that is not a Cloud API error, e.g. a proxy's HTML page.</summary>
    public string? RawBody { get; init; }
}
