using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>Tests whose timing is the point: they run after the others, with nothing beside them in this assembly.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RunsAlone;
