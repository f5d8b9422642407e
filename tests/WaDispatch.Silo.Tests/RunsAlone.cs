using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>Tests that change process-wide state (the working directory): they run after the others, with nothing beside them in this assembly.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RunsAlone;
