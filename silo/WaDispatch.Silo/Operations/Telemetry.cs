using System.Diagnostics.Metrics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Logs;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using WaDispatch.Grains;

namespace WaDispatch.Silo.Operations;

/// <summary>
/// Metrics on OpenTelemetry: the <c>WaDispatch.*</c> meters, Orleans' <c>Microsoft.Orleans</c> meter, ASP.NET Core,
/// HttpClient and runtime metrics, served at <c>GET /metrics</c> by OpenTelemetry's Prometheus exporter and exported
/// through OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (the standard variable) is set. Traces — one per message, from
/// the front door through its dispatch and the lane's send to Meta to its status webhooks (<see cref="DispatchTracing"/>),
/// with ASP.NET Core's and HttpClient's spans — are collected when OTLP is set or <c>Telemetry:Tracing</c> is true, and
/// only then: with nothing listening no activity is made. Logs then go out through OTLP too, with their trace ids.
/// </summary>
internal static class Telemetry
{
    /// <summary>The service name in the OpenTelemetry resource (<c>OTEL_SERVICE_NAME</c> overrides it).</summary>
    public const string ServiceName = "wadispatch-silo";

    /// <summary>The standard variable that turns OTLP export on.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The setting that collects traces without OTLP (for an exporter added in code, such as a test's).</summary>
    public const string TracingSetting = "Telemetry:Tracing";

    /// <summary>Buckets of WaDispatch's histograms in seconds: half a millisecond to a minute (OpenTelemetry's defaults suit milliseconds).</summary>
    private static readonly double[] SecondBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    /// <summary>Buckets of WaDispatch's histograms of counts (items per group commit).</summary>
    private static readonly double[] CountBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

    /// <summary>
    /// The most series an instrument of another library's meter (Orleans, ASP.NET Core, HttpClient, the runtime) keeps;
    /// further label sets count in its overflow series (<c>otel_metric_overflow="true"</c>). OpenTelemetry sets aside
    /// room for its limit's series in every instrument when the instrument is created, 2,000 by default: over the
    /// two hundred or so instruments those meters publish that was about 45 MB of the silo's heap held for series that
    /// never come (their labels are grain types, routes, status codes and hosts). WaDispatch's own instruments keep the
    /// default, since their series are per phone number.
    /// </summary>
    internal const int LibraryCardinalityLimit = 200;

    /// <summary>Registers the meter provider, the Prometheus exporter and, when configured, OTLP.</summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics => metrics
                .AddMeter("WaDispatch.*", "Microsoft.Orleans")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddView(View)
                .AddPrometheusExporter(prometheus =>
                {
                    // The names and labels dashboards built on the earlier exporter read: no scope labels, no target_info.
                    prometheus.ScopeInfoEnabled = false;
                    prometheus.TargetInfoEnabled = false;
                }));
        var otlp = !string.IsNullOrEmpty(builder.Configuration[OtlpEndpointVariable]);
        if (otlp || builder.Configuration.GetValue<bool>(TracingSetting))
        {
            // A caller's traceparent is taken by ASP.NET Core, and HttpClient sends the current one upstream. Orleans'
            // own call tracing is left off: every lane pump's take turns would start traces of their own.
            telemetry.WithTracing(tracing => tracing
                .AddSource(DispatchTracing.Sources)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsScrapeOrProbe(context.Request.Path))
                .AddHttpClientInstrumentation());
        }

        if (otlp)
        {
            // The exporter reads the standard OTEL_EXPORTER_OTLP_* variables itself (protocol, headers, timeout); logs
            // go with the trace and span ids of the activity they were written in.
            telemetry.WithLogging().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>WaDispatch's histograms get buckets for their unit; other libraries' instruments a smaller limit of series.</summary>
    internal static MetricStreamConfiguration? View(Instrument instrument)
    {
        if (!instrument.Meter.Name.StartsWith("WaDispatch", StringComparison.Ordinal))
        {
            return new MetricStreamConfiguration { CardinalityLimit = LibraryCardinalityLimit };
        }

        return instrument.GetType().Name.StartsWith("Histogram", StringComparison.Ordinal)
            ? new ExplicitBucketHistogramConfiguration { Boundaries = instrument.Unit == "s" ? SecondBuckets : CountBuckets }
            : null;
    }

    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/console/state");

    /// <summary>Maps <c>GET /metrics</c>.</summary>
    public static WebApplication MapMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
