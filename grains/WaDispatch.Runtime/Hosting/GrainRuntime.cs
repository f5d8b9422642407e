using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDispatch.Runtime.Activations;
using WaDispatch.Runtime.Diagnostics;

namespace WaDispatch.Runtime.Hosting;

/// <summary>
/// The grain runtime of one process: the directories of every registered grain type, the idle
/// collection ticker, and graceful shutdown. Register it with <c>services.AddGrainRuntime()</c>.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IHostedService, IDisposable
{
    private readonly GrainDirectory?[] _byIndex;
    private readonly GrainDirectory[] _directories;
    private readonly TimeSpan _quantum;
    private ITimer? _ticker;
    private long _coarseTimestamp;
    private volatile bool _stopping;

    internal GrainRuntime(
        IEnumerable<GrainTypeRegistration> registrations,
        IOptions<GrainRuntimeOptions> options,
        IServiceProvider services,
        TimeProvider timeProvider,
        ILogger<GrainRuntime> logger,
        IMeterFactory meterFactory)
    {
        var settings = options.Value;
        Services = services;
        TimeProvider = timeProvider;
        Logger = logger;
        _quantum = settings.CollectionQuantum;
        _coarseTimestamp = timeProvider.GetTimestamp();

        var list = registrations.ToList();
        var duplicateName = list.GroupBy(r => r.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicateName is not null)
        {
            throw new InvalidOperationException($"Grain type name '{duplicateName.Key}' is registered more than once.");
        }

        var duplicateInterface = list.GroupBy(r => r.InterfaceType).FirstOrDefault(g => g.Count() > 1);
        if (duplicateInterface is not null)
        {
            throw new InvalidOperationException($"Grain interface {duplicateInterface.Key.Name} is registered more than once.");
        }

        _byIndex = new GrainDirectory?[list.Count == 0 ? 0 : list.Max(r => r.Index) + 1];
        _directories = new GrainDirectory[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var registration = list[i];
            // Collected once idle for age plus one quantum, counted from the sweep before the last call:
            // so never before the age has passed, and at most one quantum after.
            var threshold = ToTimestampTicks(timeProvider, (registration.CollectionAge ?? settings.CollectionAge) + _quantum);
            var directory = registration.CreateDirectory(this, threshold, settings.MaxQueuedRequestsPerActivation);
            _directories[i] = directory;
            _byIndex[registration.Index] = directory;
        }

        Metrics = new GrainRuntimeMetrics(meterFactory, _directories);
    }

    internal TimeProvider TimeProvider { get; }

    internal IServiceProvider Services { get; }

    internal ILogger Logger { get; }

    internal GrainRuntimeMetrics Metrics { get; }

    internal bool IsStopping => _stopping;

    internal CancellationToken ShutdownToken { get; private set; }

    /// <summary>The timestamp of the last collection sweep: the coarse clock that calls stamp activity with.</summary>
    internal long CoarseTimestamp => Volatile.Read(ref _coarseTimestamp);

    /// <summary>Activations currently alive, over all grain types.</summary>
    public long ActivationCount => _directories.Sum(d => d.ActivationCount);

    /// <inheritdoc />
    public GrainReference<TGrain> GetGrain<TGrain>(string key)
        where TGrain : class
    {
        ArgumentNullException.ThrowIfNull(key);
        var index = GrainTypeIndex<TGrain>.Value;
        if ((uint)index < (uint)_byIndex.Length && _byIndex[index] is GrainDirectory<TGrain> directory)
        {
            return new GrainReference<TGrain>(directory, key);
        }

        throw new InvalidOperationException($"No grain type is registered for {typeof(TGrain).Name}; register one with AddGrainRuntime().AddGrain<{typeof(TGrain).Name}, …>().");
    }

    /// <summary>Starts the idle-collection ticker.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _coarseTimestamp, TimeProvider.GetTimestamp());
        _ticker = TimeProvider.CreateTimer(static state => ((GrainRuntime)state!).Tick(), this, _quantum, _quantum);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting calls, lets every activation finish its queued calls, deactivates it (which
    /// flushes its state) and completes when all are gone or <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        ShutdownToken = cancellationToken;
        _stopping = true;
        _ticker?.Dispose();
        try
        {
            // Calls queued on an activation that was deactivating move to a new activation, which a
            // later pass deactivates in turn; stop when a pass finds nothing left.
            while (true)
            {
                var deactivations = _directories.SelectMany(d => d.Activations).Select(a => a.DeactivateForShutdownAsync()).ToList();
                if (deactivations.Count == 0)
                {
                    break;
                }

                await Task.WhenAll(deactivations).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            Logger.ShutdownIncomplete();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _ticker?.Dispose();

    /// <summary>One heartbeat: advance the coarse clock and sweep idle activations. Never throws.</summary>
    private void Tick()
    {
        try
        {
            var now = TimeProvider.GetTimestamp();
            Volatile.Write(ref _coarseTimestamp, now);
            var started = 0;
            foreach (var directory in _directories)
            {
                started += directory.CollectIdle(now);
            }

            if (started > 0)
            {
                Logger.IdleCollectionStarted(started);
            }
        }
        catch (Exception ex)
        {
            Logger.CollectionSweepFailed(ex);
        }
    }

    private static long ToTimestampTicks(TimeProvider timeProvider, TimeSpan interval) =>
        (long)(interval.TotalSeconds * timeProvider.TimestampFrequency);
}
