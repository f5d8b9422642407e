using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WaDispatch.Grains;
using WaDispatch.Grains.Recipients;
using WaDispatch.Runtime.Hosting;
using WaDispatch.Testing;

namespace WaDispatch.Benchmarks;

/// <summary>
/// A campaign's recipient side at scale: admits N distinct users at 1,000 a (simulated) second, with the
/// runtime's idle collection running on the same clock, and reports the peak activations and memory.
/// Run: <c>dotnet run -c Release --project load/WaDispatch.Benchmarks -- recipients-memory 1000000</c>.
/// </summary>
public static class RecipientMemoryRun
{
    private const int PerSecond = 1000;
    private const int Concurrency = 64;

    public static async Task<int> RunAsync(int recipients)
    {
        var folder = Directory.CreateTempSubdirectory("wadispatch-recipients-");
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(time)
            .AddWaDispatchStorage(o => o.UseSqlite($"Data Source={Path.Combine(folder.FullName, "run.db")}"));
        services.AddCloudApiClient(o => o.AccessToken = "unused");
        services.AddGrainRuntime().AddWaDispatchGrains();
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var runtime = provider.GetRequiredService<GrainRuntime>();
        var send = new RecipientSend(MessageCategory.Marketing, SendOrigin.Campaign, time.GetUtcNow().AddDays(2));
        long peakActivations = 0, peakHeap = 0, peakWorkingSet = 0, next = -1;
        var process = Process.GetCurrentProcess();
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            long i;
            while ((i = Interlocked.Increment(ref next)) < recipients)
            {
                var recipient = runtime.GetGrain<IRecipientGrain>(RecipientKey.Of("106540352242922", $"1{i:D10}"));
                await recipient.AdmitAsync(send);
            }
        }

        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(WorkerAsync)).ToList();
        var simulated = 0L;
        while (!Task.WhenAll(workers).IsCompleted)
        {
            await Task.Delay(50);
            var done = Math.Min(Interlocked.Read(ref next), recipients);

            // The campaign's clock: a thousand recipients a second, with idle collection sweeping on it.
            while (simulated < done / PerSecond)
            {
                time.Advance(TimeSpan.FromSeconds(1));
                simulated++;
            }

            process.Refresh();
            peakActivations = Math.Max(peakActivations, runtime.ActivationCount);
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
            peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
        }

        await Task.WhenAll(workers);
        Console.WriteLine($"recipients admitted:       {recipients:N0} in {clock.Elapsed.TotalSeconds:F1} s ({recipients / clock.Elapsed.TotalSeconds:N0}/s)");
        Console.WriteLine($"simulated campaign time:   {simulated:N0} s at {PerSecond:N0} recipients/s");
        Console.WriteLine($"peak activations:          {peakActivations:N0}");
        Console.WriteLine($"peak managed heap:         {peakHeap / (1024 * 1024):N0} MiB");
        Console.WriteLine($"peak working set:          {peakWorkingSet / (1024 * 1024):N0} MiB");
        Console.WriteLine($"recipient rows written:    {await CountRowsAsync(provider)}");
        foreach (var service in hosted.AsEnumerable().Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        folder.Delete(recursive: true);
        return 0;
    }

    private static async Task<long> CountRowsAsync(IServiceProvider provider)
    {
        var database = provider.GetRequiredService<WaDispatch.Storage.StorageDatabase>();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM grain_state WHERE grain_type = 'recipient'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
