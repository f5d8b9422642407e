using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>Where the silo reads its settings from; alone, since it changes the working directory.</summary>
[Collection(typeof(RunsAlone))]
public sealed class ContentRootTests
{
    [Fact]
    public async Task StartedFromAnotherFolder_TheSiloStillReadsItsAppsettings_AndKeepsRelativePathsInThatFolder()
    {
        var elsewhere = Directory.CreateTempSubdirectory("wadispatch-cwd-");
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = elsewhere.FullName;
        try
        {
            await using var app = TestSilo.Create(["--urls", "http://127.0.0.1:0"]);

            Assert.Equal(AppContext.BaseDirectory, app.Environment.ContentRootPath);
            Assert.Equal("simulator-token", app.Configuration["CloudApi:AccessToken"]);
            Assert.Equal("Data Source=data/wadispatch.db", app.Configuration["Storage:ConnectionString"]);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            elsewhere.Delete(recursive: true);
        }
    }
}
