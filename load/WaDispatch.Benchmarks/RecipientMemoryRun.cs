using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using WaDispatch.Grains;
using WaDispatch.Grains.Recipients;

namespace WaDispatch.Benchmarks;

/// <summary>
/// A campaign's recipient side at scale, on an Orleans silo with WaDispatch's grains and SQLite storage: admits N
/// distinct users at a steady rate (default 1,000 a second, a 1,000-mps campaign), in real time, so that Orleans'
/// idle collection (the recipient grain's <c>[CollectionAgeLimit]</c>) keeps the activations bounded, and reports
/// the peak activations and memory.
/// Run: <c>dotnet run -c Release --project load/WaDispatch.Benchmarks -- recipients-memory 600000 [per-second]</c>.
/// </summary>
public static class RecipientMemoryRun
{
    private const int Concurrency = 64;

    public static async Task<int> RunAsync(int recipients, int perSecond)
    {
        var folder = Directory.CreateTempSubdirectory("wadispatch-recipients-");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddWaDispatchStorage(o => o.UseSqlite($"Data Source={Path.Combine(folder.FullName, "run.db")}"));
        builder.Services.AddCloudApiClient(o => o.AccessToken = "unused");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: 21112, gatewayPort: 31001);
            silo.UseInMemoryReminderService();
            silo.AddWaDispatch();
        });
        using var host = builder.Build();
        await host.StartAsync();

        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        long peakActivations = 0, peakHeap = 0, peakWorkingSet = 0, next = -1;
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < recipients)
            {
                // Paced: user i is admitted at i / perSecond seconds into the run.
                var due = TimeSpan.FromSeconds((double)i / perSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                var send = new RecipientSend(MessageCategory.Marketing, SendOrigin.Campaign, DateTimeOffset.UtcNow.AddDays(2));
                await grains.GetGrain<IRecipientGrain>(RecipientKey.Of("106540352242922", string.Create(CultureInfo.InvariantCulture, $"1{i:D10}"))).AdmitAsync(send);
            }
        }

        var workers = Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(WorkerAsync)));
        while (!workers.IsCompleted)
        {
            await Task.WhenAny(workers, Task.Delay(TimeSpan.FromSeconds(1)));
            var statistics = await management.GetSimpleGrainStatistics();
            process.Refresh();
            peakActivations = Math.Max(peakActivations, statistics.Where(s => s.GrainType.Contains(nameof(RecipientGrain), StringComparison.Ordinal)).Sum(s => (long)s.ActivationCount));
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
        }

        await workers;
        Console.WriteLine($"recipients admitted:       {recipients:N0} in {clock.Elapsed.TotalSeconds:F1} s ({recipients / clock.Elapsed.TotalSeconds:N0}/s, asked {perSecond:N0}/s)");
        Console.WriteLine($"peak recipient activations: {peakActivations:N0}");
        Console.WriteLine($"peak managed heap:         {peakHeap / (1024 * 1024):N0} MiB");
        Console.WriteLine($"peak working set:          {peakWorkingSet / (1024 * 1024):N0} MiB");
        Console.WriteLine($"recipient rows written:    {await CountRowsAsync(host.Services)}");
        await host.StopAsync();
        folder.Delete(recursive: true);
        return 0;
    }

    private static async Task<long> CountRowsAsync(IServiceProvider provider)
    {
        var database = provider.GetRequiredService<WaDispatch.Storage.StorageDatabase>();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_states WHERE state_name = 'recipient'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
