using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using System.Threading.RateLimiting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.CloudApi.Serialization;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Campaigns;
using WaDispatch.Grains.Messages;
using WaDispatch.Grpc;
using WaDispatch.Grpc.V1;
using WaDispatch.Silo.Api;
using WaDispatch.Storage.Messages;
using V1 = WaDispatch.Grpc.V1;

namespace WaDispatch.Silo.Grpc;

/// <summary>
/// <c>wadispatch.v1.Dispatcher</c>: the gRPC twin of the HTTP API, over the same services (<see cref="MessageService"/>,
/// <see cref="CampaignService"/>, <see cref="MessageEvents"/>), so both front doors accept, refuse and count alike.
/// Keys and the per-key rate limit are checked before a call gets here (<see cref="FrontDoor.FrontDoor"/>).
/// </summary>
internal sealed class DispatcherService(
    MessageService messages,
    CampaignService campaigns,
    MessageEvents events,
    MessageLedgerStore ledger,
    IGrainFactory grains,
    IOptions<GrpcOptions> options,
    IOptions<RateLimiterOptions> limits) : Dispatcher.DispatcherBase
{
    /// <summary>Every this many messages a <c>SendMessages</c> stream takes one request from its key's rate limit, as a batch request does.</summary>
    public const int MessagesPerRequest = MessagesApi.MaxBatch;

    private const long MinTimestampSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
    private const long MaxTimestampSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    public override async Task<AcceptedMessage> SendMessage(SendMessageRequest request, ServerCallContext context)
    {
        var (submission, problem) = Submission(request, string.Empty, KeyName(context));
        if (problem is not null)
        {
            throw GrpcErrors.Invalid(problem);
        }

        // Once taken, an acceptance completes even when the caller goes: what is accepted is never lost.
        var result = await messages.AcceptAsync(submission!, CancellationToken.None);
        return result.Error is { } refused ? throw GrpcErrors.Refusal(refused) : Accepted(result);
    }

    public override async Task SendMessages(IAsyncStreamReader<SendMessageRequest> requestStream, IServerStreamWriter<SendMessagesResult> responseStream, ServerCallContext context)
    {
        // A bounded window of acceptances under way, answered in order: when it is full the server stops reading, and
        // HTTP/2 flow control holds the caller back. A message read is accepted even if the stream breaks meanwhile.
        var window = Channel.CreateBounded<Task<SendMessagesResult>>(new BoundedChannelOptions(options.Value.StreamWindow) { SingleReader = true, SingleWriter = true });
        var key = KeyName(context);
        var answering = AnswerAsync(window.Reader, responseStream, context.CancellationToken);
        try
        {
            long index = 0;
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            {
                if (index > 0 && index % MessagesPerRequest == 0)
                {
                    await TakeRequestAsync(context, context.CancellationToken);
                }

                await window.Writer.WriteAsync(AcceptOneAsync(request, index++, key), context.CancellationToken);
            }
        }
        finally
        {
            window.Writer.TryComplete();
            await answering;
        }
    }

    public override async Task<SendNowReply> SendNow(SendNowRequest request, ServerCallContext context)
    {
        if (AdminIds.Check(Value(request.PhoneNumberId), "phone_number_id") is { } badId)
        {
            throw GrpcErrors.Invalid("phone_number_id", badId);
        }

        var (message, problem) = MessageMapping.ToCloudApi(request.Message, "message");
        if (problem is not null)
        {
            throw GrpcErrors.Invalid(problem);
        }

        var key = IdempotencyKey(request.IdempotencyKey, "idempotency_key", KeyName(context), "graph");
        var result = await messages.SendAsync(new MessageSubmission(request.PhoneNumberId, message!) { IdempotencyKey = key }, context.CancellationToken);
        var reply = new SendNowReply { MessageId = result.MessageId ?? string.Empty, UpstreamMs = result.UpstreamTime?.TotalMilliseconds ?? 0 };
        if (result.Response?.Messages is [{ Id: { } wamid }, ..])
        {
            reply.Wamid = wamid;
        }
        else
        {
            var refusal = result.Error ?? CloudApiError.Create(ErrorCodes.SomethingWentWrong, "Something went wrong", "The message was not sent.");
            reply.Error = ErrorMapping.ToProto(refusal, result.RetryAfter);
        }

        return reply;
    }

    public override async Task<Campaign> CreateCampaign(IAsyncStreamReader<CreateCampaignRequest> requestStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            throw GrpcErrors.Invalid("header", "header is required: the stream's first message is the campaign's header, then its audience rows.");
        }

        if (requestStream.Current.PartCase != CreateCampaignRequest.PartOneofCase.Header)
        {
            throw GrpcErrors.Invalid("header", "header is required: the stream's first message must be the campaign's header (phone_number_id, template …), before any audience rows.");
        }

        var header = requestStream.Current.Header;
        var (campaign, problem) = CampaignOf(header);
        if (problem is not null)
        {
            throw GrpcErrors.Invalid(problem);
        }

        var key = IdempotencyKey(header.IdempotencyKey, "header.idempotency_key", KeyName(context), "campaign");
        var (created, replayed, error) = await campaigns.CreateAsync(campaign!, AudienceAsync(requestStream, context.CancellationToken), key, context.CancellationToken);
        if (error is not null)
        {
            throw error.Code == ErrorCodes.ServiceUnavailable ? GrpcErrors.Refusal(error, TimeSpan.FromSeconds(1)) : GrpcErrors.Invalid(ErrorMapping.FieldOf(error.Details) ?? "rows", error.Details);
        }

        return GrpcViews.Campaign(created!, replayed);
    }

    public override async Task<MessageInfo> GetMessage(GetMessageRequest request, ServerCallContext context)
    {
        if (request.Id.Length is 0 or > 64)
        {
            throw GrpcErrors.Invalid("id", $"id is {request.Id.Length} characters long; message ids are 32.");
        }

        return await messages.GetAsync(request.Id, context.CancellationToken) is { } message
            ? GrpcViews.Message(message)
            : throw GrpcErrors.NotFound("message", request.Id);
    }

    public override async Task<Campaign> GetCampaign(CampaignRef request, ServerCallContext context) =>
        GrpcViews.Campaign(await FindAsync(request.Id, context.CancellationToken));

    public override async Task<ListCampaignsReply> ListCampaigns(ListCampaignsRequest request, ServerCallContext context)
    {
        var reply = new ListCampaignsReply();
        reply.Campaigns.AddRange((await campaigns.ListAsync(context.CancellationToken)).Select(c => GrpcViews.Campaign(c)));
        return reply;
    }

    public override Task<Campaign> PauseCampaign(CampaignRef request, ServerCallContext context) =>
        ChangeAsync(request.Id, c => c.PauseAsync(request.Id, "Paused by request."), "running or scheduled", context.CancellationToken);

    public override Task<Campaign> ResumeCampaign(CampaignRef request, ServerCallContext context) =>
        ChangeAsync(request.Id, c => c.ResumeAsync(request.Id), "paused", context.CancellationToken);

    public override Task<Campaign> CancelCampaign(CampaignRef request, ServerCallContext context) =>
        ChangeAsync(request.Id, c => c.CancelAsync(request.Id), "not ended", context.CancellationToken);

    public override async Task<PhoneNumber> GetPhoneNumber(PhoneNumberRef request, ServerCallContext context)
    {
        if (AdminIds.Check(Value(request.PhoneNumberId), "phone_number_id") is { } badId)
        {
            throw GrpcErrors.Invalid("phone_number_id", badId);
        }

        var json = JsonSerializer.Serialize(await grains.GetGrain<IPhoneNumberGrain>(request.PhoneNumberId).GetSnapshotAsync(), AdminJsonContext.Default.LaneSnapshot);
        using var document = JsonDocument.Parse(json);
        return new PhoneNumber
        {
            PhoneNumberId = request.PhoneNumberId,
            ThroughputMps = document.RootElement.GetProperty("throughput_mps").GetInt32(),
            Status = document.RootElement.GetProperty("status").GetString() ?? string.Empty,
            Json = json,
        };
    }

    public override async Task<Business> GetBusiness(BusinessRef request, ServerCallContext context)
    {
        if (AdminIds.Check(Value(request.BusinessId), "business_id") is { } badId)
        {
            throw GrpcErrors.Invalid("business_id", badId);
        }

        var json = JsonSerializer.Serialize(await grains.GetGrain<IBusinessGrain>(request.BusinessId).GetSnapshotAsync(), AdminJsonContext.Default.BusinessSnapshot);
        using var document = JsonDocument.Parse(json);
        return new Business
        {
            BusinessId = request.BusinessId,
            MessagingLimitTier = document.RootElement.GetProperty("messaging_limit_tier").GetString() ?? string.Empty,
            Json = json,
        };
    }

    public override async Task WatchStatuses(WatchStatusesRequest request, IServerStreamWriter<StatusEvent> responseStream, ServerCallContext context)
    {
        var campaign = Value(request.CampaignId);
        var number = Value(request.PhoneNumberId);
        if (number is not null && AdminIds.Check(number, "phone_number_id") is { } badId)
        {
            throw GrpcErrors.Invalid("phone_number_id", badId);
        }

        // The headers go at once, so that a watcher knows it is subscribed before the first change.
        await context.WriteResponseHeadersAsync([]);

        // A filtered watch reads each message's number and campaign once from the ledger (events do not all carry them).
        var known = new Dictionary<string, (string? Number, string? Campaign)>(StringComparer.Ordinal);
        await foreach (var change in events.SubscribeAsync(context.CancellationToken))
        {
            string? changeNumber = null;
            var changeCampaign = change.CampaignId;
            if (campaign is not null || number is not null)
            {
                if (!known.TryGetValue(change.MessageId, out var found))
                {
                    var record = await ledger.ReadAsync(change.MessageId, context.CancellationToken);
                    found = (record?.PhoneNumberId, record?.CampaignId);
                    if (known.Count >= 100_000)
                    {
                        known.Clear();
                    }

                    known[change.MessageId] = found;
                }

                (changeNumber, changeCampaign) = (found.Number, found.Campaign ?? changeCampaign);
                if ((number is not null && number != changeNumber) || (campaign is not null && campaign != changeCampaign))
                {
                    continue;
                }
            }

            await responseStream.WriteAsync(GrpcViews.Event(change, changeNumber, changeCampaign), context.CancellationToken);
        }
    }

    private async Task<SendMessagesResult> AcceptOneAsync(SendMessageRequest request, long index, string key)
    {
        var prefix = $"messages[{index}].";
        var (submission, problem) = Submission(request, prefix, key);
        if (problem is not null)
        {
            return new SendMessagesResult { Index = index, Error = ErrorMapping.ToProto(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid parameter", problem.Details), field: problem.Field) };
        }

        var result = await messages.AcceptAsync(submission!, CancellationToken.None);
        return result.Error is { } refused
            ? new SendMessagesResult { Index = index, Error = ErrorMapping.ToProto(refused) }
            : new SendMessagesResult { Index = index, Accepted = Accepted(result) };
    }

    /// <summary>Writes the answers in order; when the caller has gone, still waits for every acceptance under way.</summary>
    private static async Task AnswerAsync(ChannelReader<Task<SendMessagesResult>> window, IServerStreamWriter<SendMessagesResult> responseStream, CancellationToken cancellationToken)
    {
        var writing = true;
        await foreach (var answer in window.ReadAllAsync(CancellationToken.None))
        {
            var result = await answer;
            if (!writing)
            {
                continue;
            }

            try
            {
                await responseStream.WriteAsync(result, cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                // The caller went (or the call ended): the rest is accepted all the same, and can be found by its key.
                writing = false;
            }
        }
    }

    /// <summary>Takes one request from the caller's key's rate limit, waiting for it (a stream is slowed, not refused).</summary>
    private async Task TakeRequestAsync(ServerCallContext context, CancellationToken cancellationToken)
    {
        if (limits.Value.GlobalLimiter is not { } limiter)
        {
            return;
        }

        var http = context.GetHttpContext();
        while (true)
        {
            using var lease = await limiter.AcquireAsync(http, 1, cancellationToken);
            if (lease.IsAcquired)
            {
                return;
            }

            await Task.Delay(lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    private static (MessageSubmission? Submission, FieldProblem? Problem) Submission(SendMessageRequest request, string prefix, string keyName)
    {
        if (AdminIds.Check(Value(request.PhoneNumberId), prefix + "phone_number_id") is { } badId)
        {
            return (null, new FieldProblem(prefix + "phone_number_id", badId));
        }

        var (message, problem) = MessageMapping.ToCloudApi(request.Message, prefix + "message");
        if (problem is not null)
        {
            return (null, problem);
        }

        if (IdempotencyKeyProblem(request.IdempotencyKey, prefix + "idempotency_key") is { } badKey)
        {
            return (null, badKey);
        }

        if (InstantProblem(request.ExpiresAt, prefix + "expires_at") is { } badExpiry)
        {
            return (null, badExpiry);
        }

        return (new MessageSubmission(request.PhoneNumberId, message!)
        {
            IdempotencyKey = Value(request.IdempotencyKey) is { } key ? $"{keyName}:v1:{key}" : null,
            ExpiresAt = request.ExpiresAt?.ToDateTimeOffset(),
            CallbackUrl = Value(request.CallbackUrl),
        }, null);
    }

    private static (CampaignRequest? Request, FieldProblem? Problem) CampaignOf(CampaignHeader header)
    {
        if (AdminIds.Check(Value(header.PhoneNumberId), "header.phone_number_id") is { } badId)
        {
            return (null, new FieldProblem("header.phone_number_id", badId));
        }

        var (template, problem) = MessageMapping.Template(header.Template, "header.template");
        if (problem is not null)
        {
            return (null, problem);
        }

        var category = header.Category switch
        {
            V1.Category.Unspecified => null,
            V1.Category.Marketing => "MARKETING",
            V1.Category.Utility => "UTILITY",
            V1.Category.Authentication => "AUTHENTICATION",
            _ => string.Empty,
        };
        if (category is { Length: 0 })
        {
            return (null, new FieldProblem("header.category", $"header.category is {(int)header.Category}, which is not a Category; it must be CATEGORY_MARKETING, CATEGORY_UTILITY or CATEGORY_AUTHENTICATION (or unset)."));
        }

        var priority = header.Priority switch
        {
            Priority.Unspecified or Priority.Normal => null,
            Priority.High => "high",
            _ => string.Empty,
        };
        if (priority is { Length: 0 })
        {
            return (null, new FieldProblem("header.priority", $"header.priority is {(int)header.Priority}, which is not a Priority; it must be PRIORITY_NORMAL or PRIORITY_HIGH (or unset)."));
        }

        if (IdempotencyKeyProblem(header.IdempotencyKey, "header.idempotency_key") is { } badKey)
        {
            return (null, badKey);
        }

        if ((InstantProblem(header.StartAt, "header.start_at") ?? InstantProblem(header.ExpiresAt, "header.expires_at")) is { } badTime)
        {
            return (null, badTime);
        }

        return (new CampaignRequest(header.PhoneNumberId, JsonSerializer.Serialize(template!, CloudApiJsonContext.Wire.TemplateContent))
        {
            Category = category,
            StartAt = header.StartAt?.ToDateTimeOffset(),
            ExpiresAt = header.ExpiresAt?.ToDateTimeOffset(),
            Priority = priority,
            BizOpaqueCallbackData = Value(header.BizOpaqueCallbackData),
            CallbackUrl = Value(header.CallbackUrl),
        }, null);
    }

    /// <summary>The audience rows after the header, as they arrive; a second header ends the upload with INVALID_ARGUMENT.</summary>
    private static async IAsyncEnumerable<AudienceEntry> AudienceAsync(IAsyncStreamReader<CreateCampaignRequest> requestStream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var index = 1;
        while (await requestStream.MoveNext(cancellationToken))
        {
            var part = requestStream.Current;
            if (part.PartCase != CreateCampaignRequest.PartOneofCase.Rows)
            {
                throw GrpcErrors.Invalid($"requests[{index}].rows", $"requests[{index}].rows is required: after the header, every message of the stream carries audience rows (only the first is a header).");
            }

            foreach (var row in part.Rows.Rows)
            {
                // Copied: the rows travel to the campaign's grain, whose serializer knows dictionaries, not protobuf's map.
                yield return new AudienceEntry(Value(row.To), new Dictionary<string, string>(row.Values, StringComparer.Ordinal));
            }

            index++;
        }
    }

    private async Task<CampaignView> FindAsync(string id, CancellationToken cancellationToken) =>
        id.Length is 0 or > AdminIds.MaxLength ? throw GrpcErrors.Invalid("id", $"id is {id.Length} characters long; campaign ids are 32.")
        : await campaigns.GetAsync(id, cancellationToken) ?? throw GrpcErrors.NotFound("campaign", id);

    private async Task<Campaign> ChangeAsync(string id, Func<CampaignService, Task<bool>> change, string expected, CancellationToken cancellationToken)
    {
        await FindAsync(id, cancellationToken);
        var changed = await change(campaigns);
        var after = (await campaigns.GetAsync(id, cancellationToken))!;
        if (!changed)
        {
            // The state after the refusal (as the HTTP API answers it): one read before could show a state that allows it.
            var status = JsonSerializer.Serialize(after.Status, CampaignsJsonContext.Default.CampaignStatus).Trim('"');
            throw GrpcErrors.Precondition(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid state", $"Campaign {id} is {status}; this needs it {expected}."));
        }

        return GrpcViews.Campaign(after);
    }

    private static AcceptedMessage Accepted(AcceptResult result) => new() { Message = GrpcViews.Message(result.Message!), Replayed = result.Replayed };

    private static string? IdempotencyKey(string key, string field, string keyName, string scope) =>
        IdempotencyKeyProblem(key, field) is { } problem ? throw GrpcErrors.Invalid(problem)
        : Value(key) is { } value ? $"{keyName}:{scope}:{value}" : null;

    /// <summary>A timestamp protobuf itself would refuse to convert (outside years 1 to 9999, or nanos out of range).</summary>
    private static FieldProblem? InstantProblem(Timestamp? at, string field) =>
        at is null || (at.Seconds is >= MinTimestampSeconds and <= MaxTimestampSeconds && at.Nanos is >= 0 and <= 999_999_999)
            ? null
            : new FieldProblem(field, $"{field} is {at.Seconds} s and {at.Nanos} ns, which is not a time: seconds must lie between {MinTimestampSeconds} (0001-01-01) and {MaxTimestampSeconds} (9999-12-31) and nanos between 0 and 999999999.");

    private static FieldProblem? IdempotencyKeyProblem(string key, string field) =>
        key.Length > 255 || key.Any(char.IsControl) ? new FieldProblem(field, $"{field} must be 1 to 255 printable characters; it is {key.Length} long.") : null;

    private static string KeyName(ServerCallContext context) => FrontDoor.FrontDoor.KeyName(context.GetHttpContext());

    private static string? Value(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
