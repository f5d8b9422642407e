namespace WaDispatch.Simulator.State;

/// <summary>A synchronous failure the next sends of a number answer with.</summary>
/// <param name="Code">The Cloud API error code; ignored when <paramref name="RawBody"/> is given.</param>
/// <param name="HttpStatus">The HTTP status.</param>
/// <param name="RawBody">A body that is not a Cloud API error (e.g. a proxy's HTML), or null.</param>
public sealed record ScriptedFailure(int Code, int HttpStatus, string? RawBody);
