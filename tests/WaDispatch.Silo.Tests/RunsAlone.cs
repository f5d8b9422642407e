using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// Tests that change process-wide state (the working directory): they run with nothing beside them in this assembly.
/// Join it by type (<c>[Collection(typeof(RunsAlone))]</c>): this definition has no name, and a collection joined by
/// the name <c>"RunsAlone"</c> is another, unnamed-definition-less collection that runs in parallel with the rest.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RunsAlone;
