namespace WaDispatch.Silo.Tests;

/// <summary>
/// Tells WebApplicationFactory where the silo's content root is, through its own documented override
/// (<c>ASPNETCORE_TEST_CONTENTROOT_{ASSEMBLY}</c>, checked before any probing). Without it the factory
/// resolves a path relative to the working directory, which <see cref="ContentRootTests"/> changes for a
/// moment: a factory started then fails to find the silo. The value is what the silo uses anyway
/// (<see cref="AppContext.BaseDirectory"/>), so setting it for the whole process changes nothing else.
/// </summary>
internal static class SiloContentRoot
{
    public static void Pin() => Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_WADISPATCH_SILO", AppContext.BaseDirectory);
}
