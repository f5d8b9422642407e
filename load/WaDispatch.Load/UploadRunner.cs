using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using WaDispatch.Grpc.V1;

namespace WaDispatch.Load;

/// <summary>One driver's campaign upload: how long the audience took to stream in, and what it cost the silo.</summary>
/// <param name="Driver">HTTP (a multipart NDJSON upload) or gRPC (a <c>CreateCampaign</c> stream).</param>
/// <param name="Rows">Audience rows streamed.</param>
/// <param name="Recipients">Recipients the silo counted in the created campaign.</param>
/// <param name="Elapsed">From the first byte to the created campaign's answer.</param>
/// <param name="SiloCpu">The silo's CPU time over <paramref name="Elapsed"/>.</param>
/// <param name="BaseWorkingSet">The silo's working set before the upload.</param>
/// <param name="PeakWorkingSet">The silo's largest working set sampled during it.</param>
internal sealed record UploadResult(LoadDriver Driver, int Rows, int Recipients, TimeSpan Elapsed, TimeSpan SiloCpu, long BaseWorkingSet, long PeakWorkingSet)
{
    /// <summary>Rows taken per second.</summary>
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;
}

/// <summary>
/// The upload scenario: one campaign of <c>rows</c> recipients created through each driver in turn, each on a fresh
/// silo, scheduled a day ahead so that nothing is sent: what is measured is the audience streaming into storage, and
/// whether the silo holds it (its working set) or passes it through.
/// </summary>
internal sealed class UploadRunner(Action<string> status)
{
    private const string Number = "106540352320000";
    private const int RowsPerMessage = 500;

    public async Task<List<UploadResult>> RunAsync(int rows, IReadOnlyList<LoadDriver> drivers, IReadOnlyDictionary<string, string> siloSettings, CancellationToken cancellationToken)
    {
        var results = new List<UploadResult>();
        foreach (var driver in drivers)
        {
            status($"{driver}: starting the simulator and the silo");
            await using var rig = await LoadRig.StartAsync(webhooks: false, siloSettings);
            await rig.SetTierAsync(Number, 1000, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            rig.Silo.Sample();
            var baseWorkingSet = rig.Silo.WorkingSet;
            using var sampling = new CancellationTokenSource();
            var sampler = rig.Silo.SampleEverySecondAsync(sampling.Token);
            var cpuBefore = rig.Silo.ProcessorTime;
            var clock = Stopwatch.StartNew();
            status($"{driver}: streaming {rows:N0} audience rows");
            var recipients = driver == LoadDriver.Grpc
                ? await StreamAsync(rig.GrpcFor(0), rows, cancellationToken)
                : await PostAsync(rig.Front, rows, cancellationToken);
            var elapsed = clock.Elapsed;
            var cpu = rig.Silo.ProcessorTime - cpuBefore;
            await sampling.CancelAsync();
            await sampler;
            results.Add(new UploadResult(driver, rows, recipients, elapsed, cpu, baseWorkingSet, rig.Silo.PeakWorkingSet));
        }

        return results;
    }

    private static async Task<int> StreamAsync(Dispatcher.DispatcherClient silo, int rows, CancellationToken cancellationToken)
    {
        using var call = silo.CreateCampaign(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new CreateCampaignRequest
        {
            Header = new CampaignHeader
            {
                PhoneNumberId = Number,
                Category = Category.Marketing,
                StartAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(1)),
                Template = new Template { Name = "promo", Language = new Template.Types.Language { Code = "en_US" } },
            },
        }, cancellationToken);
        var chunk = new AudienceRows();
        for (var i = 0; i < rows; i++)
        {
            chunk.Rows.Add(new AudienceRow { To = To(i) });
            if (chunk.Rows.Count == RowsPerMessage || i == rows - 1)
            {
                await call.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = chunk }, cancellationToken);
                chunk = new AudienceRows();
            }
        }

        await call.RequestStream.CompleteAsync();
        return (await call.ResponseAsync).Counts.Recipients;
    }

    private static async Task<int> PostAsync(HttpClient silo, int rows, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent
        {
            { JsonContent.Create(new { phone_number_id = Number, template = new { name = "promo", language = new { code = "en_US" } }, category = "MARKETING", start_at = DateTimeOffset.UtcNow.AddDays(1) }), "campaign" },
        };
        var audience = new NdjsonRows(rows);
        content.Add(audience, "audience", "audience.ndjson");
        using var created = await silo.PostAsync(new Uri("v1/campaigns", UriKind.Relative), content, cancellationToken);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return created.IsSuccessStatusCode
            ? body.GetProperty("counts").GetProperty("recipients").GetInt32()
            : throw new InvalidOperationException($"The campaign was refused: {(int)created.StatusCode} {body}");
    }

    private static string To(int i) => string.Create(CultureInfo.InvariantCulture, $"+1650{i:D7}");

    /// <summary>The audience written as NDJSON while the request streams, never held whole.</summary>
    private sealed class NdjsonRows : HttpContent
    {
        private readonly int _rows;

        public NdjsonRows(int rows)
        {
            _rows = rows;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var buffer = new StringBuilder();
            for (var i = 0; i < _rows; i++)
            {
                buffer.Append(CultureInfo.InvariantCulture, $"{{\"to\":\"{To(i)}\"}}\n");
                if (buffer.Length > 1 << 16 || i == _rows - 1)
                {
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(buffer.ToString()));
                    buffer.Clear();
                }
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
