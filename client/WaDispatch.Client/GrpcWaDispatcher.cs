using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Microsoft.VisualBasic.FileIO;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Messages;
using WaDispatch.Grpc;
using WaDispatch.Grpc.V1;
using V1 = WaDispatch.Grpc.V1;
using SendMessageRequest = WaDispatch.CloudApi.Messages.SendMessageRequest;

namespace WaDispatch.Client;

/// <summary>
/// <see cref="IWaDispatcher"/> over gRPC (<c>wadispatch.v1.Dispatcher</c>, Grpc.Net.Client). Every call that changes
/// something carries an idempotency key (the caller's, or a new one per call); Grpc.Net.Client's own retry policy
/// retries UNAVAILABLE with the same request, so a retry after a lost answer sends nothing twice. Batches go as one
/// <c>SendMessages</c> stream, audiences as one <c>CreateCampaign</c> stream, never held whole.
/// </summary>
internal sealed class GrpcWaDispatcher : IWaDispatcher, IDisposable
{
    /// <summary>Audience rows per stream message: small enough to stream, large enough not to be chatty.</summary>
    private const int RowsPerMessage = 500;

    private static readonly JsonFormatter Json = new(JsonFormatter.Settings.Default.WithPreserveProtoFieldNames(true).WithFormatDefaultValues(true));

    private readonly GrpcChannel _channel;
    private readonly Dispatcher.DispatcherClient _client;
    private readonly WaDispatchGrpcClientOptions _options;

    public GrpcWaDispatcher(IOptions<WaDispatchGrpcClientOptions> options)
    {
        _options = options.Value;
        _channel = GrpcChannel.ForAddress(_options.Address!, new GrpcChannelOptions
        {
            MaxReceiveMessageSize = 16 << 20,
            ServiceConfig = _options.MaxRetries == 0 ? null : new global::Grpc.Net.Client.Configuration.ServiceConfig
            {
                MethodConfigs =
                {
                    new global::Grpc.Net.Client.Configuration.MethodConfig
                    {
                        Names = { global::Grpc.Net.Client.Configuration.MethodName.Default },
                        RetryPolicy = new global::Grpc.Net.Client.Configuration.RetryPolicy
                        {
                            MaxAttempts = _options.MaxRetries + 1,
                            InitialBackoff = _options.RetryDelay,
                            MaxBackoff = TimeSpan.FromSeconds(5),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
        _client = new Dispatcher.DispatcherClient(_channel);
    }

    public async Task<SendResult> SendAsync(string phoneNumberId, SendMessageRequest message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentNullException.ThrowIfNull(message);
        var request = new SendNowRequest { PhoneNumberId = phoneNumberId, Message = MessageMapping.ToProto(message), IdempotencyKey = idempotencyKey ?? NewKey() };
        var reply = await CallAsync(c => _client.SendNowAsync(request, Options(c)), cancellationToken).ConfigureAwait(false);
        var messageId = reply.MessageId.Length > 0 ? reply.MessageId : null;
        if (reply.Wamid.Length > 0)
        {
            return new SendResult(messageId, reply.Wamid, null);
        }

        var error = ErrorMapping.ToCloudApi(reply.Error ?? new V1.Error { Code = ErrorCodes.SomethingWentWrong, Title = "Something went wrong", Details = "The message was not sent." });
        var retryAfter = reply.Error?.RetryAfterMs > 0 ? TimeSpan.FromMilliseconds(reply.Error.RetryAfterMs) : (TimeSpan?)null;
        if (error.Code is ErrorCodes.ServiceUnavailable or ErrorCodes.TransportFailure or ErrorCodes.TransportRejected)
        {
            // WaDispatch or the way to Meta failed, not this message: as over HTTP, thrown, and worth retrying.
            throw new WaDispatchException(error, null, isTransient: true, retryAfter);
        }

        return new SendResult(messageId, null, SendRejection.From(error, retryAfter));
    }

    public async Task<MessageInfo> EnqueueAsync(OutgoingMessage message, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var request = Request(message, idempotencyKey ?? NewKey());
        var accepted = await CallAsync(c => _client.SendMessageAsync(request, Options(c)), cancellationToken).ConfigureAwait(false);
        return Message(accepted.Message);
    }

    public async Task<IReadOnlyList<BatchResult>> EnqueueBatchAsync(IReadOnlyList<OutgoingMessage> messages, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var key = idempotencyKey ?? NewKey();
        try
        {
            using var call = _client.SendMessages(Options(cancellationToken, streaming: true));
            var reading = ReadAllAsync(call.ResponseStream, messages.Count, cancellationToken);
            for (var i = 0; i < messages.Count; i++)
            {
                await call.RequestStream.WriteAsync(Request(messages[i], $"{key}#{i}"), cancellationToken).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return await reading.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Failure(ex);
        }
    }

    public async Task<MessageInfo?> GetMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        await FindAsync(c => _client.GetMessageAsync(new GetMessageRequest { Id = messageId }, Options(c)), cancellationToken).ConfigureAwait(false) is { } message ? Message(message) : null;

    public async Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, IAsyncEnumerable<Recipient> audience, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(audience);
        try
        {
            using var call = _client.CreateCampaign(Options(cancellationToken, streaming: true));
            await call.RequestStream.WriteAsync(new CreateCampaignRequest { Header = Header(campaign, idempotencyKey ?? NewKey()) }, cancellationToken).ConfigureAwait(false);
            var rows = new AudienceRows();
            await foreach (var recipient in audience.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var row = new AudienceRow { To = recipient.To };
                foreach (var (name, value) in recipient.Values ?? new Dictionary<string, string>())
                {
                    row.Values[name] = value;
                }

                rows.Rows.Add(row);
                if (rows.Rows.Count == RowsPerMessage)
                {
                    await call.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = rows }, cancellationToken).ConfigureAwait(false);
                    rows = new AudienceRows();
                }
            }

            if (rows.Rows.Count > 0)
            {
                await call.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = rows }, cancellationToken).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            return Campaign(await call.ResponseAsync.ConfigureAwait(false));
        }
        catch (RpcException ex)
        {
            throw Failure(ex);
        }
    }

    public Task<CampaignInfo> CreateCampaignAsync(NewCampaign campaign, Stream audienceFile, AudienceFormat format, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(audienceFile);
        return CreateCampaignAsync(campaign, format == AudienceFormat.Csv ? CsvRows(audienceFile) : NdjsonRowsAsync(audienceFile, cancellationToken), idempotencyKey, cancellationToken);
    }

    public async Task<CampaignInfo?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        await FindAsync(c => _client.GetCampaignAsync(new CampaignRef { Id = campaignId }, Options(c)), cancellationToken).ConfigureAwait(false) is { } campaign ? Campaign(campaign) : null;

    public async Task<IReadOnlyList<CampaignInfo>> ListCampaignsAsync(CancellationToken cancellationToken = default) =>
        [.. (await CallAsync(c => _client.ListCampaignsAsync(new ListCampaignsRequest(), Options(c)), cancellationToken).ConfigureAwait(false)).Campaigns.Select(Campaign)];

    public async Task<CampaignInfo> PauseCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Campaign(await CallAsync(c => _client.PauseCampaignAsync(new CampaignRef { Id = campaignId }, Options(c)), cancellationToken).ConfigureAwait(false));

    public async Task<CampaignInfo> ResumeCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Campaign(await CallAsync(c => _client.ResumeCampaignAsync(new CampaignRef { Id = campaignId }, Options(c)), cancellationToken).ConfigureAwait(false));

    public async Task<CampaignInfo> CancelCampaignAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Campaign(await CallAsync(c => _client.CancelCampaignAsync(new CampaignRef { Id = campaignId }, Options(c)), cancellationToken).ConfigureAwait(false));

    public async Task<LaneInfo> GetLaneAsync(string phoneNumberId, CancellationToken cancellationToken = default)
    {
        var lane = await CallAsync(c => _client.GetPhoneNumberAsync(new PhoneNumberRef { PhoneNumberId = phoneNumberId }, Options(c)), cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(lane.Json);
        return new LaneInfo(lane.PhoneNumberId, lane.ThroughputMps, lane.Status, document.RootElement.Clone());
    }

    public async Task<BusinessInfo> GetBusinessAsync(string businessId, CancellationToken cancellationToken = default)
    {
        var business = await CallAsync(c => _client.GetBusinessAsync(new BusinessRef { BusinessId = businessId }, Options(c)), cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(business.Json);
        return new BusinessInfo(business.BusinessId, business.MessagingLimitTier, document.RootElement.Clone());
    }

    public async IAsyncEnumerable<StatusEvent> SubscribeAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = _client.WatchStatuses(new WatchStatusesRequest(), Options(cancellationToken, streaming: true));
        await call.ResponseHeadersAsync.ConfigureAwait(false);
        while (await MoveNextAsync(call.ResponseStream, cancellationToken).ConfigureAwait(false))
        {
            var change = call.ResponseStream.Current;
            yield return new StatusEvent(change.MessageId, change.Status, change.At.ToDateTimeOffset(), change.ErrorCode != 0 ? change.ErrorCode : null, Text(change.Wamid), Text(change.CampaignId));
        }
    }

    public void Dispose() => _channel.Dispose();

    private static async Task<bool> MoveNextAsync<T>(IAsyncStreamReader<T> stream, CancellationToken cancellationToken)
    {
        try
        {
            return await stream.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    private static async Task<IReadOnlyList<BatchResult>> ReadAllAsync(IAsyncStreamReader<SendMessagesResult> stream, int count, CancellationToken cancellationToken)
    {
        var results = new List<BatchResult>(count);
        while (await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var result = stream.Current;
            results.Add(result.OutcomeCase == SendMessagesResult.OutcomeOneofCase.Accepted
                ? new BatchResult(Message(result.Accepted.Message), null)
                : new BatchResult(null, ErrorMapping.ToCloudApi(result.Error)));
        }

        return results;
    }

    /// <summary>As <see cref="CallAsync"/>, null for NOT_FOUND.</summary>
    private static async Task<T?> FindAsync<T>(Func<CancellationToken, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            return await CallAsync(call, cancellationToken).ConfigureAwait(false);
        }
        catch (WaDispatchException ex) when (ex.InnerException is RpcException { StatusCode: StatusCode.NotFound })
        {
            return null;
        }
    }

    private static async Task<T> CallAsync<T>(Func<CancellationToken, AsyncUnaryCall<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            using var pending = call(cancellationToken);
            return await pending.ResponseAsync.ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            throw Failure(ex);
        }
    }

    private CallOptions Options(CancellationToken cancellationToken, bool streaming = false)
    {
        var headers = new Metadata();
        if (_options.ApiKey is { Length: > 0 } key)
        {
            headers.Add("authorization", $"Bearer {key}");
        }

        // Streams run as long as their caller feeds or reads them; single calls have the client's deadline.
        return new CallOptions(headers, streaming ? null : DateTime.UtcNow + _options.Timeout, cancellationToken);
    }

    /// <summary>The exception for a failed call: the Cloud API error from the status's rich details when there is one.</summary>
    private static Exception Failure(RpcException ex)
    {
        var status = ex.GetRpcStatus();
        var detail = status?.GetDetail<V1.Error>();
        var error = detail is not null ? ErrorMapping.ToCloudApi(detail) : CloudApiError.Create(ErrorCodes.ApiUnknown, ex.StatusCode.ToString(), ex.Status.Detail);
        var retryAfter = status?.GetDetail<Google.Rpc.RetryInfo>()?.RetryDelay?.ToTimeSpan();
        var transient = ex.StatusCode is StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.Internal or StatusCode.Unknown;
        return ex.StatusCode == StatusCode.Cancelled ? new OperationCanceledException(ex.Message, ex) : new WaDispatchException(error, null, transient, retryAfter, ex);
    }

    private static V1.SendMessageRequest Request(OutgoingMessage message, string key) => new()
    {
        PhoneNumberId = message.PhoneNumberId,
        Message = MessageMapping.ToProto(message.Message),
        IdempotencyKey = key,
        ExpiresAt = message.ExpiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        CallbackUrl = message.CallbackUrl?.ToString() ?? string.Empty,
    };

    private static CampaignHeader Header(NewCampaign campaign, string key) => new()
    {
        PhoneNumberId = campaign.PhoneNumberId,
        Template = MessageMapping.ToProto(campaign.Template),
        Category = campaign.Category?.ToUpperInvariant() switch
        {
            null => Category.Unspecified,
            "MARKETING" => Category.Marketing,
            "UTILITY" => Category.Utility,
            "AUTHENTICATION" => Category.Authentication,
            _ => throw new ArgumentException($"Category '{campaign.Category}' is not MARKETING, UTILITY or AUTHENTICATION.", nameof(campaign)),
        },
        StartAt = campaign.StartAt is { } start ? Timestamp.FromDateTimeOffset(start) : null,
        ExpiresAt = campaign.ExpiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        Priority = campaign.HighPriority ? Priority.High : Priority.Normal,
        BizOpaqueCallbackData = campaign.BizOpaqueCallbackData ?? string.Empty,
        CallbackUrl = campaign.CallbackUrl?.ToString() ?? string.Empty,
        IdempotencyKey = key,
    };

    private static MessageInfo Message(V1.MessageInfo message) => new()
    {
        Id = message.Id,
        PhoneNumberId = message.PhoneNumberId,
        To = message.To,
        Status = message.Status,
        Wamid = Text(message.Wamid),
        Error = message.Error is { } error ? ErrorMapping.ToCloudApi(error) : null,
        AcceptedAt = message.AcceptedAt?.ToDateTimeOffset() ?? default,
        ExpiresAt = message.ExpiresAt?.ToDateTimeOffset() ?? default,
        History = message.History.Count == 0 ? null : [.. message.History.Select(e => new MessageHistoryEntry(e.Status, e.At.ToDateTimeOffset(), e.ErrorCode != 0 ? e.ErrorCode : null))],
    };

    private static CampaignInfo Campaign(V1.Campaign campaign)
    {
        using var raw = JsonDocument.Parse(Json.Format(campaign));
        return new CampaignInfo
        {
            Id = campaign.Id,
            Status = campaign.Status.ToString().ToLowerInvariant(),
            PauseReason = Text(campaign.PauseReason),
            Recipients = campaign.Counts?.Recipients ?? 0,
            Pending = campaign.Counts?.Pending ?? 0,
            Sent = campaign.Counts?.Sent ?? 0,
            Delivered = campaign.Counts?.Delivered ?? 0,
            Failed = Counts(campaign.Counts?.Failed),
            Skipped = Counts(campaign.Counts?.Skipped),
            Deferred = Counts(campaign.Counts?.Deferred),
            Expired = campaign.Counts?.Expired ?? 0,
            RateMps = campaign.RateMps,
            Eta = campaign.Eta?.ToDateTimeOffset(),
            Raw = raw.RootElement.Clone(),
        };
    }

    private static Dictionary<string, long> Counts(IDictionary<string, long>? counts) =>
        counts is null ? [] : new Dictionary<string, long>(counts, StringComparer.Ordinal);

    /// <summary>A CSV audience (a header row with a <c>to</c> column, the others values), read by the BCL's RFC 4180 parser.</summary>
    private static IAsyncEnumerable<Recipient> CsvRows(Stream file) => CsvRowsSync(file).ToAsyncEnumerable();

    private static IEnumerable<Recipient> CsvRowsSync(Stream file)
    {
        using var parser = new TextFieldParser(file, Encoding.UTF8, detectEncoding: true, leaveOpen: true) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true, TrimWhiteSpace = false };
        parser.SetDelimiters(",");
        var header = parser.ReadFields() ?? [];
        var to = Array.FindIndex(header, h => string.Equals(h.Trim(), "to", StringComparison.OrdinalIgnoreCase));
        if (to < 0)
        {
            throw new ArgumentException("The CSV audience has no 'to' column in its header row.", nameof(file));
        }

        while (!parser.EndOfData)
        {
            var fields = parser.ReadFields() ?? [];
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < Math.Min(header.Length, fields.Length); i++)
            {
                if (i != to)
                {
                    values[header[i].Trim()] = fields[i];
                }
            }

            yield return new Recipient(to < fields.Length ? fields[to] : string.Empty, values);
        }
    }

    /// <summary>An NDJSON audience: one JSON object a line, its <c>to</c> and its other values as text.</summary>
    private static async IAsyncEnumerable<Recipient> NdjsonRowsAsync(Stream file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(file, Encoding.UTF8, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return NdjsonRow(line);
        }
    }

    /// <summary>One NDJSON row; an unreadable one goes as a row without a recipient, which the silo counts as invalid (as over HTTP).</summary>
    private static Recipient NdjsonRow(string line)
    {
        try
        {
            using var row = JsonDocument.Parse(line);
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            var to = string.Empty;
            foreach (var property in row.RootElement.EnumerateObject())
            {
                var text = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                if (property.Name == "to")
                {
                    to = text;
                }
                else
                {
                    values[property.Name] = text;
                }
            }

            return new Recipient(to, values);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new Recipient(string.Empty);
        }
    }

    private static string? Text(string value) => value.Length > 0 ? value : null;

    private static string NewKey() => Guid.NewGuid().ToString("N");
}
