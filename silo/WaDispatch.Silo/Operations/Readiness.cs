using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Wabas;
using WaDispatch.Storage;

namespace WaDispatch.Silo.Operations;

/// <summary>
/// <c>GET /healthz</c> (the process answers) and <c>GET /readyz</c> (storage reachable with its schema current,
/// an upstream configured, and not draining), with a JSON body naming each check.
/// </summary>
internal static class Readiness
{
    /// <summary>The tag of the checks that make the silo ready (HTTP <c>/readyz</c> and gRPC health).</summary>
    public const string ReadyTag = "ready";

    /// <summary>Registers the readiness checks and the drain on stop.</summary>
    public static IServiceCollection AddReadiness(this IServiceCollection services)
    {
        services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.SectionName).Validate(o => o.DrainDelay >= TimeSpan.Zero && o.DrainDelay <= TimeSpan.FromMinutes(5), "Operations:DrainDelay must be between 0 and 5 minutes.").ValidateOnStart();
        services.AddHealthChecks()
            .AddCheck<StorageCheck>("storage", tags: [ReadyTag])
            .AddCheck<UpstreamCheck>("upstream", tags: [ReadyTag])
            .AddCheck<DrainingCheck>("draining", tags: [ReadyTag])
            .AddCheck<SubscriptionsCheck>("webhook_subscriptions", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Waits <see cref="OperationsOptions.DrainDelay"/> after a stop signal, before anything stops: the server still serves and <c>/readyz</c> already says 503.</summary>
    public static IServiceCollection AddDrain(this IServiceCollection services)
    {
        services.AddSingleton<Drain>();
        return services.AddHostedService(sp => sp.GetRequiredService<Drain>());
    }

    /// <summary>Maps <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapMetrics();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Description);
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return context.Response.Body.WriteAsync(buffer.ToArray()).AsTask();
    }

    private sealed class StorageCheck(SchemaMigrator migrator, StorageDatabase database) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var pending = await migrator.PendingAsync(cancellationToken);
                return pending.Count == 0
                    ? HealthCheckResult.Healthy($"{database.Provider} reachable, schema current ({database.Scripts.Migrations.Count} migrations).")
                    : HealthCheckResult.Unhealthy($"{database.Provider} schema is behind: {pending.Count} migrations not applied ({string.Join(", ", pending.Select(m => m.Name))}).");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The exception's message may hold connection details; the type is enough to act on.
                return HealthCheckResult.Unhealthy($"{database.Provider} unreachable ({ex.GetType().Name}).");
            }
        }
    }

    private sealed class UpstreamCheck(IOptionsMonitor<CloudApiOptions> options) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var upstream = options.CurrentValue;
            var token = !string.IsNullOrEmpty(upstream.AccessToken) || upstream.AccessTokens.Count > 0;
            return Task.FromResult(upstream.BaseAddress is { IsAbsoluteUri: true } && token
                ? HealthCheckResult.Healthy($"Upstream {upstream.BaseAddress} with an access token.")
                : HealthCheckResult.Unhealthy("No upstream configured: CloudApi:BaseAddress and CloudApi:AccessToken (or CloudApi:AccessTokens) are needed."));
        }
    }

    /// <summary>
    /// Degraded (still 200: sending goes on) while the app is not subscribed to a known WABA, or its subscription could
    /// not be checked: that WABA's statuses, opt-outs and account changes do not arrive.
    /// </summary>
    private sealed class SubscriptionsCheck(WabaSubscriptionService subscriptions) : IHealthCheck
    {
        /// <summary>How long readiness waits for the WABAs' grains before it says it could not tell.</summary>
        private static readonly TimeSpan LookFor = TimeSpan.FromSeconds(5);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            IReadOnlyList<WabaSnapshot> wabas;
            try
            {
                wabas = await subscriptions.StatusesAsync(cancellationToken).WaitAsync(LookFor, cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Sending does not depend on it: degraded, not unready.
                return HealthCheckResult.Degraded($"The WABAs' subscriptions could not be read: {ex.Message}");
            }

            var missing = wabas.Where(w => w.Subscription.Status == WabaSubscriptionStatuses.NotSubscribed).Select(w => w.WabaId).ToList();
            // A check that failed after the last one that answered: what Meta has now is not known.
            var unknown = wabas.Where(w => w.Subscription is { LastError: { } error } s && (s.CheckedAt is null || error.At >= s.CheckedAt))
                .Select(w => $"{w.WabaId} (error {w.Subscription.LastError!.Code})").ToList();
            if (missing.Count == 0 && unknown.Count == 0)
            {
                var subscribed = wabas.Count(w => w.Subscription.Status == WabaSubscriptionStatuses.Subscribed);
                return HealthCheckResult.Healthy(
                    wabas.Count == 0 ? "No WABA known yet."
                    : subscribed == wabas.Count ? $"The app is subscribed to all {wabas.Count} WABAs."
                    : $"The app is subscribed to {subscribed} of {wabas.Count} WABAs; the others are not checked yet.");
            }

            var parts = new List<string>();
            if (missing.Count > 0)
            {
                parts.Add($"The app is not subscribed to WABA {string.Join(", ", missing)}: Meta sends none of its webhooks.");
            }

            if (unknown.Count > 0)
            {
                parts.Add($"The subscription of WABA {string.Join(", ", unknown)} could not be checked.");
            }

            return HealthCheckResult.Degraded(string.Join(" ", parts));
        }
    }

    private sealed class DrainingCheck(IHostApplicationLifetime lifetime, Drain drain) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested || drain.Draining
                ? HealthCheckResult.Unhealthy("Draining: the silo is stopping.")
                : HealthCheckResult.Healthy("Serving."));
    }

    /// <summary>
    /// Waits in <see cref="StoppingAsync"/>, which the host runs for every service before it stops any: the
    /// server (stopped first among hosted services) still serves while <c>/readyz</c> already says 503.
    /// </summary>
    private sealed class Drain(IOptions<OperationsOptions> options) : IHostedLifecycleService
    {
        private volatile bool _draining;

        /// <summary>True from the stop signal on (whether the host signals ApplicationStopping before or after the lifecycle services' StoppingAsync).</summary>
        public bool Draining => _draining;

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            _draining = true;
            if (options.Value.DrainDelay > TimeSpan.Zero)
            {
                await Task.Delay(options.Value.DrainDelay, cancellationToken);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
