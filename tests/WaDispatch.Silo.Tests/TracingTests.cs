using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// One trace per message, through OpenTelemetry's in-memory exporter: from the caller's <c>traceparent</c> at the front
/// door, through its acceptance and dispatch, the lane's send and the request to Meta (which receives the trace), to the
/// status webhooks Meta sends for it; and the silo's logs written in it carry its trace id.
/// </summary>
public sealed class TracingTests
{
    private const string Number = "106540352242931";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMessagesTrace_RunsFromTheCallersTraceparent_ThroughItsSendToMeta_ToItsStatusWebhooks()
    {
        var spans = new Spans();
        var logs = new ConcurrentQueue<string>();
        using var file = new TempSqliteFile();
        await using var simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = "trace-secret";
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
            o.ReadDelay = TimeSpan.FromMilliseconds(30);
        });
        await using var silo = await TestSilo.StartAsync(file.ConnectionString, simulator.Address,
            ["--Webhooks:AppSecret", "trace-secret", "--Telemetry:Tracing", "true", "--Logging:LogLevel:Microsoft.AspNetCore.Hosting", "Information"],
            builder =>
            {
                builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));
                builder.Logging.AddProvider(new TraceLogCapture(logs));
            });
        TestSilo.SendWebhooksTo(simulator, silo);
        using var client = new HttpClient { BaseAddress = KestrelApp.AddressOf(silo) };
        var traceId = ActivityTraceId.CreateRandom();
        var callerSpan = ActivitySpanId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = JsonContent.Create(new
            {
                phone_number_id = Number,
                message = new { messaging_product = "whatsapp", to = "16505550701", type = "template", template = new { name = "hello_world", language = new { code = "en_US" } } },
            }),
        };
        // The caller's span: this process's HttpClient (traced, as the test's tracer listens process-wide) sends its
        // request under it, in traceparent.
        HttpResponseMessage accepted;
        ActivitySpanId caller;
        using (var callers = new Activity("caller").SetParentId(traceId, callerSpan, ActivityTraceFlags.Recorded).Start())
        {
            caller = callers.SpanId;
            accepted = await client.SendAsync(request, Ct);
        }

        using var acceptedResponse = accepted;
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();
        await Eventually.UntilAsync(async () => (await client.GetFromJsonAsync<JsonElement>($"v1/messages/{id}", Ct)).GetProperty("status").GetString() == "read", TimeSpan.FromSeconds(30));
        // A status span ends just after the ledger has its status; one that outran Meta's answer is applied on a retry.
        // The lane's send span ends after its answer is handed back to the lane, which can be after the status
        // webhooks were applied (a sent webhook 10 ms after Meta's answer): the trace is read once it has that too.
        await Eventually.UntilAsync(() => Task.FromResult(Statuses(spans.Of(traceId)).Count == 3 && spans.Of(traceId).Any(s => s.OperationName == "wadispatch.lane.send")), TimeSpan.FromSeconds(20),
            () => $"the trace has {string.Join(", ", spans.Of(traceId).Select(s => $"{s.Kind} {s.OperationName} {s.DisplayName}"))}");

        var trace = spans.Of(traceId);
        var callersRequest = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == caller);
        var front = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.ParentSpanId == callersRequest.SpanId);
        var accept = Assert.Single(trace, s => s.OperationName == "wadispatch.accept");
        var send = Assert.Single(trace, s => s.OperationName == "wadispatch.lane.send");
        var toMeta = Assert.Single(trace, s => s.Kind == ActivityKind.Client && s.ParentSpanId == send.SpanId);
        var atMeta = Assert.Single(trace, s => s.Kind == ActivityKind.Server && s.ParentSpanId == toMeta.SpanId);

        Assert.Equal("POST /v1/messages", front.DisplayName);
        Assert.Equal(front.SpanId, accept.ParentSpanId);
        Assert.Equal(id, accept.GetTagItem("wadispatch.message.id"));
        var dispatch = Assert.Single(trace, s => s.OperationName == "wadispatch.dispatch");
        Assert.Equal((accept.SpanId, dispatch.SpanId), (dispatch.ParentSpanId, send.ParentSpanId));
        Assert.All(trace.Where(s => s.OperationName == "wadispatch.webhook.status"), status => Assert.Equal(accept.SpanId, status.ParentSpanId));
        Assert.Equal((id, Number), (send.GetTagItem("wadispatch.message.id"), send.GetTagItem("wadispatch.phone_number.id")));
        Assert.Contains($"/{Number}/messages", atMeta.GetTagItem("url.path") as string, StringComparison.Ordinal);
        Assert.Equal(["delivered", "read", "sent"], Statuses(trace).Order(StringComparer.Ordinal));
        Assert.Contains(logs, line => line.Contains(traceId.ToHexString(), StringComparison.Ordinal) && line.Contains("/v1/messages", StringComparison.Ordinal));
    }

    private static List<string> Statuses(IEnumerable<Activity> trace) =>
        [.. trace.Where(s => s.OperationName == "wadispatch.webhook.status").Select(s => (string)s.GetTagItem("wadispatch.status")!).Distinct()];

    /// <summary>The exported spans; the exporter adds from its thread while the test reads.</summary>
    private sealed class Spans : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public int Count
        {
            get
            {
                lock (_spans)
                {
                    return _spans.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Of(ActivityTraceId traceId)
        {
            lock (_spans)
            {
                return [.. _spans.Where(s => s.TraceId == traceId)];
            }
        }

        public void Add(Activity item)
        {
            lock (_spans)
            {
                _spans.Add(item);
            }
        }

        public void Clear()
        {
            lock (_spans)
            {
                _spans.Clear();
            }
        }

        public bool Contains(Activity item)
        {
            lock (_spans)
            {
                return _spans.Contains(item);
            }
        }

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (_spans)
            {
                _spans.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(Activity item)
        {
            lock (_spans)
            {
                return _spans.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator()
        {
            lock (_spans)
            {
                return _spans.ToList().GetEnumerator();
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Keeps each log line with the scopes it was written in (the logging pipeline's trace and span ids among them).</summary>
    private sealed class TraceLogCapture(ConcurrentQueue<string> logs) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, logs, () => _scopes);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> logs, Func<IExternalScopeProvider?> scopes) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = new System.Text.StringBuilder($"{category} {formatter(state, exception)}");
                scopes()?.ForEachScope((scope, builder) => builder.Append(" => ").Append(scope is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}:{p.Value}")) : scope), line);
                logs.Enqueue(line.ToString());
            }
        }
    }
}
