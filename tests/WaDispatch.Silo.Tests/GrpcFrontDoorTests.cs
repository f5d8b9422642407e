using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using WaDispatch.Grpc.V1;
using WaDispatch.Simulator;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>
/// The gRPC front door on a real silo (Kestrel, cleartext HTTP/2 on its gRPC port) with the simulator as Meta:
/// what callers see — accepted ids, results in order, statuses with the Cloud API error in their details — and that
/// hostile input and broken streams lose nothing already accepted.
/// </summary>
public sealed class GrpcFrontDoorTests : IAsyncLifetime
{
    private const string Number = "106540352242922";
    private const string OtherNumber = "106540352242923";
    private const string ApiKey = "grpc-test-key-0123456789";
    private readonly TempSqliteFile _file = new();
    private KestrelApp _simulator = null!;
    private WebApplication _silo = null!;
    private GrpcChannel _channel = null!;
    private Dispatcher.DispatcherClient _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Metadata Key => new() { { "authorization", $"Bearer {ApiKey}" } };

    private CloudApiSimulator Meta => _simulator.Services.GetRequiredService<CloudApiSimulator>();

    public async ValueTask InitializeAsync()
    {
        _simulator = await SimulatorServer.StartAsync(o =>
        {
            o.AppSecret = "grpc-secret";
            o.SentDelay = TimeSpan.FromMilliseconds(10);
            o.DeliveredDelay = TimeSpan.FromMilliseconds(20);
        });
        // At 1,000 mps: the streams send a thousand messages, and nothing here is about pace.
        _silo = await TestSilo.StartAsync(_file.ConnectionString, _simulator.Address, "--Webhooks:AppSecret", "grpc-secret", "--Api:Keys:tests", ApiKey, "--Budgets:DefaultTier", "TIER_UNLIMITED", "--Lanes:DefaultThroughputMps", "1000");
        TestSilo.SendWebhooksTo(_simulator, _silo);
        _channel = GrpcChannel.ForAddress(TestSilo.GrpcAddressOf(_silo));
        _client = new Dispatcher.DispatcherClient(_channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _silo.StopAsync(Ct);
        await _silo.DisposeAsync();
        await _simulator.DisposeAsync();
        _file.Dispose();
    }

    [Fact]
    public async Task SendMessage_AnswersTheDurableId_ReplaysItsKey_AndTheMessageIsDelivered()
    {
        var first = await _client.SendMessageAsync(Request("+16505550701", "order-1"), Key, cancellationToken: Ct);
        var again = await _client.SendMessageAsync(Request("+16505550701", "order-1"), Key, cancellationToken: Ct);
        var delivered = await UntilAsync(() => _client.GetMessageAsync(new GetMessageRequest { Id = first.Message.Id }, Key, cancellationToken: Ct).ResponseAsync, m => m.Status is "delivered" or "read");

        Assert.Equal((false, true, first.Message.Id), (first.Replayed, again.Replayed, again.Message.Id));
        Assert.Equal("accepted", first.Message.Status);
        Assert.False(string.IsNullOrEmpty(delivered.Wamid));
        Assert.Contains(delivered.History, h => h.Status == "sent");
        Assert.Single(Meta.Ledger(Number), e => e.WaId == "16505550701");
    }

    [Fact]
    public async Task HostileInput_GetsInvalidArgument_NamingTheField_WithTheCloudApiErrorInItsDetails()
    {
        var noContent = Request("+16505550702");
        noContent.Message.ClearContent();
        var unknownEnum = Request("+16505550702");
        unknownEnum.Message.Template.Components.Add(new Component { Type = (ComponentType)42 });
        var noNumber = Request("+16505550702");
        noNumber.PhoneNumberId = string.Empty;
        var noMessage = new SendMessageRequest { PhoneNumberId = Number };
        var notATime = Request("+16505550702");
        notATime.ExpiresAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue };

        var cases = new (SendMessageRequest Request, string Field, string Says)[]
        {
            (noContent, "message.content", "set exactly one of text, template"),
            (unknownEnum, "message.template.components[0].type", "42, which is not a ComponentType"),
            (noNumber, "phone_number_id", "phone_number_id is required"),
            (noMessage, "message", "message is required"),
            (notATime, "expires_at", "which is not a time"),
        };
        foreach (var (request, field, says) in cases)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() => _client.SendMessageAsync(request, Key, cancellationToken: Ct).ResponseAsync);
            var status = refused.GetRpcStatus()!;
            var error = status.GetDetail<Error>()!;
            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.Equal((100, field), (error.Code, error.Field));
            Assert.Contains(says, error.Details, StringComparison.Ordinal);
            Assert.Equal(field, Assert.Single(status.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations).Field);
            Assert.Equal("100", status.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["code"]);
        }

        Assert.Empty(Meta.Ledger(Number));
    }

    [Fact]
    public async Task ATenMebibyteMessage_IsRefusedWithResourceExhausted_AndTheSiloGoesOn()
    {
        var huge = Request("+16505550703");
        huge.Message.BizOpaqueCallbackData = new string('x', 10 << 20);

        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.SendMessageAsync(huge, Key, cancellationToken: Ct).ResponseAsync);
        var after = await _client.SendMessageAsync(Request("+16505550704"), Key, cancellationToken: Ct);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Contains("maximum", refused.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("accepted", after.Message.Status);
    }

    [Fact]
    public async Task SendMessages_AnswersEveryMessageInOrder_RefusingOnlyTheBadOnes()
    {
        using var call = _client.SendMessages(Key, cancellationToken: Ct);
        var reading = ReadAllAsync(call.ResponseStream);
        for (var i = 0; i < 1000; i++)
        {
            var request = Request($"+1650556{i:D4}", $"bulk-{i}");
            if (i % 250 == 7)
            {
                request.Message.ClearContent();
            }

            await call.RequestStream.WriteAsync(request, Ct);
        }

        await call.RequestStream.CompleteAsync();
        var results = await reading;

        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), results.Select(r => r.Index));
        Assert.Equal([7, 257, 507, 757], results.Where(r => r.OutcomeCase == SendMessagesResult.OutcomeOneofCase.Error).Select(r => (int)r.Index));
        Assert.Equal("messages[257].message.content", results[257].Error.Field);
        Assert.Equal(996, results.Select(r => r.Accepted?.Message.Id).Where(id => id is not null).Distinct().Count());
        await UntilAsync(() => Task.FromResult(Meta.Ledger(Number).Count), n => n >= 996, TimeSpan.FromSeconds(60));
        Assert.Equal(996, Meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
    }

    [Fact]
    public async Task AStreamCutHalfway_LosesNothingAccepted_AndItsKeysMakeTheRetrySendNothingTwice()
    {
        var firstRun = new List<SendMessagesResult>();
        using (var cut = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            using var call = _client.SendMessages(Key, cancellationToken: cut.Token);
            for (var i = 0; i < 300; i++)
            {
                await call.RequestStream.WriteAsync(Request($"+1650557{i:D4}", $"cut-{i}"), Ct);
            }

            // Read some answers, then drop the call without completing it: the stream breaks halfway.
            while (firstRun.Count < 100 && await call.ResponseStream.MoveNext(Ct))
            {
                firstRun.Add(call.ResponseStream.Current);
            }

            await cut.CancelAsync();
        }

        // The caller retries everything with the same keys: what was accepted is answered again, the rest is accepted now.
        using var retry = _client.SendMessages(Key, cancellationToken: Ct);
        var reading = ReadAllAsync(retry.ResponseStream);
        for (var i = 0; i < 300; i++)
        {
            await retry.RequestStream.WriteAsync(Request($"+1650557{i:D4}", $"cut-{i}"), Ct);
        }

        await retry.RequestStream.CompleteAsync();
        var secondRun = await reading;

        Assert.Equal(100, firstRun.Count);
        Assert.All(secondRun, r => Assert.Equal(SendMessagesResult.OutcomeOneofCase.Accepted, r.OutcomeCase));
        Assert.All(firstRun, r => Assert.Equal((r.Accepted.Message.Id, true), (secondRun[(int)r.Index].Accepted.Message.Id, secondRun[(int)r.Index].Accepted.Replayed)));
        await UntilAsync(() => Task.FromResult(Meta.Ledger(Number).Count), n => n >= 300, TimeSpan.FromSeconds(60));
        Assert.Equal(300, Meta.Ledger(Number).Count);
        Assert.Equal(300, Meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
    }

    [Fact]
    public async Task CreateCampaign_StreamsItsAudience_AndTheCampaignCompletesWithEveryRecipientOnce()
    {
        using var call = _client.CreateCampaign(Key, cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new CreateCampaignRequest { Header = Header("campaign-1") }, Ct);
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var rows = new AudienceRows();
            rows.Rows.Add(Enumerable.Range(chunk * 100, 100).Select(i => new AudienceRow { To = $"+1650558{i:D4}", Values = { ["name"] = $"N{i}" } }));
            await call.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = rows }, Ct);
        }

        await call.RequestStream.CompleteAsync();
        var campaign = await call.ResponseAsync;
        var done = await UntilAsync(() => _client.GetCampaignAsync(new CampaignRef { Id = campaign.Id }, Key, cancellationToken: Ct).ResponseAsync, c => c.Status == CampaignStatus.Completed, TimeSpan.FromSeconds(60));
        var cancelDone = await Assert.ThrowsAsync<RpcException>(() => _client.CancelCampaignAsync(new CampaignRef { Id = campaign.Id }, Key, cancellationToken: Ct).ResponseAsync);

        Assert.Equal((300, 300), (campaign.Counts.Recipients, campaign.Preflight.Requested));
        Assert.Equal(300, done.Counts.Sent);
        Assert.Equal(300, Meta.Ledger(Number).Select(e => e.WaId).Distinct().Count());
        Assert.Equal(300, Meta.Ledger(Number).Count);
        Assert.Equal(StatusCode.FailedPrecondition, cancelDone.StatusCode);
        Assert.Contains("is completed", cancelDone.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACampaignStreamWithoutAHeaderFirst_OrCutHalfway_CreatesNothing()
    {
        using (var rowsFirst = _client.CreateCampaign(Key, cancellationToken: Ct))
        {
            await rowsFirst.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = new AudienceRows { Rows = { new AudienceRow { To = "+16505559000" } } } }, Ct);
            await rowsFirst.RequestStream.CompleteAsync();
            var refused = await Assert.ThrowsAsync<RpcException>(() => rowsFirst.ResponseAsync);
            Assert.Equal((StatusCode.InvalidArgument, "header"), (refused.StatusCode, refused.GetRpcStatus()!.GetDetail<Error>()!.Field));
        }

        using (var cut = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            using var call = _client.CreateCampaign(Key, cancellationToken: cut.Token);
            await call.RequestStream.WriteAsync(new CreateCampaignRequest { Header = Header("cut-campaign") }, Ct);
            await call.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = new AudienceRows { Rows = { new AudienceRow { To = "+16505559001", Values = { ["name"] = "A" } } } } }, Ct);
            await cut.CancelAsync();
        }

        // The same key creates the campaign afresh: the cut upload left no campaign and gave its key back.
        var created = await UntilAsync(
            async () =>
            {
                using var call = _client.CreateCampaign(Key, cancellationToken: Ct);
                await call.RequestStream.WriteAsync(new CreateCampaignRequest { Header = Header("cut-campaign") }, Ct);
                await call.RequestStream.WriteAsync(new CreateCampaignRequest { Rows = new AudienceRows { Rows = { new AudienceRow { To = "+16505559002", Values = { ["name"] = "B" } } } } }, Ct);
                await call.RequestStream.CompleteAsync();
                try
                {
                    return await call.ResponseAsync;
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable)
                {
                    return null; // the cut upload is still being abandoned
                }
            },
            c => c is not null);
        var all = await _client.ListCampaignsAsync(new ListCampaignsRequest(), Key, cancellationToken: Ct);

        Assert.Equal(created!.Id, Assert.Single(all.Campaigns).Id);
        Assert.Equal((1, false), (created.Counts.Recipients, created.Replayed));
    }

    [Fact]
    public async Task SendNow_AnswersMetasVerdict_AndARefusalIsAResultNotAFailure()
    {
        var template = await _client.SendNowAsync(new SendNowRequest { PhoneNumberId = Number, Message = Request("+16505550705").Message }, Key, cancellationToken: Ct);
        var text = await _client.SendNowAsync(new SendNowRequest { PhoneNumberId = Number, Message = new Message { To = "+16505550705", Text = new Text { Body = "outside the window" } } }, Key, cancellationToken: Ct);

        Assert.StartsWith("wamid.", template.Wamid, StringComparison.Ordinal);
        Assert.Null(template.Error);
        Assert.Equal((string.Empty, 131047), (text.Wamid, text.Error.Code));
    }

    [Fact]
    public async Task WithoutAKey_CallsAreUnauthenticated_WhileHealthAndReflectionAnswer()
    {
        var refused = await Assert.ThrowsAsync<RpcException>(() => _client.ListCampaignsAsync(new ListCampaignsRequest(), cancellationToken: Ct).ResponseAsync);
        var wrong = await Assert.ThrowsAsync<RpcException>(() => _client.ListCampaignsAsync(new ListCampaignsRequest(), new Metadata { { "authorization", "Bearer not-the-key-at-all" } }, cancellationToken: Ct).ResponseAsync);
        var health = await new Health.HealthClient(_channel).CheckAsync(new HealthCheckRequest { Service = "wadispatch.v1.Dispatcher" }, cancellationToken: Ct);
        var services = await ListServicesAsync();

        Assert.Equal((StatusCode.Unauthenticated, StatusCode.Unauthenticated), (refused.StatusCode, wrong.StatusCode));
        Assert.Equal(190, refused.GetRpcStatus()!.GetDetail<Error>()!.Code);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Contains("wadispatch.v1.Dispatcher", services);
    }

    [Fact]
    public async Task OverItsKeysRateLimit_ACallIsResourceExhausted_WithARetryDelay()
    {
        using var file = new TempSqliteFile();
        await using var limited = await TestSilo.StartAsync(file.ConnectionString, _simulator.Address, "--Api:Keys:tests", ApiKey, "--Api:RequestsPerSecond", "1", "--Api:Burst", "1");
        using var channel = GrpcChannel.ForAddress(TestSilo.GrpcAddressOf(limited));
        var client = new Dispatcher.DispatcherClient(channel);

        // One a second, burst one: of three calls made at once, one passes and the others are refused (until 2026-12-04
        // the limiter refilled a token every 100 ms below 10 per second, so a second call 100 ms later passed).
        var calls = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            try
            {
                return (Answer: (ListCampaignsReply?)await client.ListCampaignsAsync(new ListCampaignsRequest(), Key, cancellationToken: Ct), Refused: (RpcException?)null);
            }
            catch (RpcException ex)
            {
                return (Answer: (ListCampaignsReply?)null, Refused: ex);
            }
        }));
        var refused = calls.Select(c => c.Refused).OfType<RpcException>().First();
        var status = refused.GetRpcStatus()!;

        Assert.Single(calls, c => c.Answer is not null);
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal(4, status.GetDetail<Error>()!.Code);
        Assert.Contains("requests per second", status.GetDetail<Error>()!.Details, StringComparison.Ordinal);
        Assert.True(status.GetDetail<Google.Rpc.RetryInfo>()!.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
    }

    [Fact]
    public async Task WatchStatuses_FilteredByNumber_SeesThatNumbersMessagesOnly()
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var watch = _client.WatchStatuses(new WatchStatusesRequest { PhoneNumberId = Number }, Key, cancellationToken: watching.Token);
        await watch.ResponseHeadersAsync;

        var other = await _client.SendMessageAsync(Request("+16505550707", number: OtherNumber), Key, cancellationToken: Ct);
        var mine = await _client.SendMessageAsync(Request("+16505550706"), Key, cancellationToken: Ct);
        var seen = new List<StatusEvent>();
        while (!seen.Any(e => e.MessageId == mine.Message.Id && e.Status == "delivered") && await watch.ResponseStream.MoveNext(Ct))
        {
            seen.Add(watch.ResponseStream.Current);
        }

        await UntilAsync(() => _client.GetMessageAsync(new GetMessageRequest { Id = other.Message.Id }, Key, cancellationToken: Ct).ResponseAsync, m => m.Status is "delivered" or "read");
        await watching.CancelAsync();

        // Its delivered status (a sent that arrives after delivered adds nothing: statuses only move forward).
        Assert.Contains(seen, e => e.MessageId == mine.Message.Id && e.Status == "delivered" && e.PhoneNumberId == Number);
        Assert.All(seen, e => Assert.Equal(Number, e.PhoneNumberId));
        Assert.DoesNotContain(seen, e => e.MessageId == other.Message.Id);
    }

    private async Task<List<string>> ListServicesAsync()
    {
        using var call = new ServerReflection.ServerReflectionClient(_channel).ServerReflectionInfo(cancellationToken: Ct);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, Ct);
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(Ct));
        return [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)];
    }

    private static SendMessageRequest Request(string to, string? key = null, string number = Number) => new()
    {
        PhoneNumberId = number,
        IdempotencyKey = key ?? string.Empty,
        Message = new Message
        {
            To = to,
            Template = new Template { Name = "hello_world", Language = new Template.Types.Language { Code = "en_US" } },
        },
    };

    private static CampaignHeader Header(string key) => new()
    {
        PhoneNumberId = Number,
        Category = Category.Utility,
        IdempotencyKey = key,
        Template = new Template
        {
            Name = "welcome",
            Language = new Template.Types.Language { Code = "en_US" },
            Components = { new Component { Type = ComponentType.Body, Parameters = { new Parameter { Text = "{{name}}" } } } },
        },
    };

    private static async Task<List<SendMessagesResult>> ReadAllAsync(IAsyncStreamReader<SendMessagesResult> stream)
    {
        var results = new List<SendMessagesResult>();
        while (await stream.MoveNext(Ct))
        {
            results.Add(stream.Current);
        }

        return results;
    }

    private static async Task<T> UntilAsync<T>(Func<Task<T>> attempt, Func<T, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await attempt();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still {value}");
            await Task.Delay(50, Ct);
        }
    }
}
