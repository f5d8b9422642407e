using Microsoft.Extensions.Time.Testing;
using WaDispatch.Storage.Accounts;
using WaDispatch.Storage.Messages;
using WaDispatch.Storage.Webhooks;
using WaDispatch.Testing;
using Xunit;

namespace WaDispatch.Storage.Tests;

/// <summary>The message ledger and webhook inbox on every storage vendor: forward-only statuses, idempotency keys, recovery reads.</summary>
public abstract class MessageLedgerContractTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private StorageDatabase? _database;

    private MessageLedgerStore Ledger { get; set; } = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<StorageOptions> CreateOptionsAsync();

    protected abstract Task DropAsync();

    public async ValueTask InitializeAsync()
    {
        _database = StorageDatabase.Create(await CreateOptionsAsync());
        await new SchemaMigrator(_database, new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))).MigrateAsync(Ct);
        Ledger = new MessageLedgerStore(_database);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        await DropAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task TheLedgerOfAccountEvents_StoresEachChangeOnce_AndReadsAWabasNewestFirst()
    {
        var events = new AccountEventStore(_database!);
        var ban = new AccountEventRecord("waba-1", "account_update", T0, T0.AddSeconds(2), """{"event":"DISABLED_UPDATE","ban_info":{"waba_ban_state":"DISABLE"}}""");
        var review = new AccountEventRecord("waba-1", "account_review_update", T0.AddMinutes(1), T0.AddMinutes(1), """{"decision":"APPROVED"}""");

        var stored = new[]
        {
            await events.AddAsync(ban, Ct),
            await events.AddAsync(ban with { ReceivedAt = T0.AddMinutes(5) }, Ct), // Meta delivered it again
            await events.AddAsync(review, Ct),
            await events.AddAsync(review with { WabaId = "waba-2" }, Ct),
        };
        var recent = await events.RecentAsync("waba-1", 10, Ct);

        Assert.Equal([true, false, true, true], stored);
        Assert.Equal([review, ban], recent);
        Assert.Single(await events.RecentAsync("waba-1", 1, Ct));
    }

    [Fact]
    public async Task AnIdempotencyKey_AcceptsOneMessage_UntilItIsGivenBack()
    {
        var outcomes = await Ledger.WriteAsync([Accept("m1", key: "k"), Accept("m2", key: "k"), Accept("m1")], Ct);
        var first = await Ledger.ReadByIdempotencyKeyAsync("k", Ct);

        Assert.Equal([LedgerWriteOutcome.Applied, LedgerWriteOutcome.Unchanged, LedgerWriteOutcome.Unchanged], outcomes);
        Assert.Equal(("m1", "accepted"), (first!.Id, first.Status));
        Assert.Null(await Ledger.ReadAsync("m2", Ct));

        // A message that ended without reaching Meta gives its key back; one that was sent never does.
        var released = await Ledger.WriteAsync(
        [
            new AdvanceWrite("m1", null, "expired", 5, 1, T0, 130429, """{"code":130429}""") { ReleaseIdempotencyKey = true },
            Accept("m3", key: "k"),
        ], Ct);
        Assert.Equal([LedgerWriteOutcome.Applied, LedgerWriteOutcome.Applied], released);
        Assert.Equal("m3", (await Ledger.ReadByIdempotencyKeyAsync("k", Ct))!.Id);
        Assert.Equal(("expired", """{"code":130429}"""), ((await Ledger.ReadAsync("m1", Ct))!.Status, (await Ledger.ReadAsync("m1", Ct))!.Error));
    }

    [Fact]
    public async Task Statuses_OnlyMoveForward_AndHistoryHoldsEachOnce()
    {
        await Ledger.WriteAsync([Accept("m1")], Ct);

        var outcomes = await Ledger.WriteAsync(
        [
            new AdvanceWrite("m1", null, "sending", 1, 0, T0.AddSeconds(1)),
            new AdvanceWrite(null, "wamid.A", "delivered", 3, 2, T0.AddSeconds(3)), // before the ledger knows the wamid
            new AdvanceWrite("m1", "wamid.A", "sent", 2, 1, T0.AddSeconds(2)),
            new AdvanceWrite(null, "wamid.A", "delivered", 3, 2, T0.AddSeconds(3)),
            new AdvanceWrite(null, "wamid.A", "read", 4, 3, T0.AddSeconds(4)),
            new AdvanceWrite(null, "wamid.A", "delivered", 3, 2, T0.AddSeconds(3)), // Meta's retry, late
            new AdvanceWrite(null, "wamid.A", "failed", 5, 2, T0.AddSeconds(5), 131026), // after delivery: not a failure of this message
        ], Ct);
        var message = await Ledger.ReadAsync("m1", Ct);
        var history = await Ledger.ReadEventsAsync("m1", Ct);

        Assert.Equal(
            [LedgerWriteOutcome.Applied, LedgerWriteOutcome.NotFound, LedgerWriteOutcome.Applied, LedgerWriteOutcome.Applied, LedgerWriteOutcome.Applied, LedgerWriteOutcome.Unchanged, LedgerWriteOutcome.Unchanged],
            outcomes);
        Assert.Equal(("read", "wamid.A"), (message!.Status, message.Wamid));
        // The late delivered is history (it happened); the failed after read applies nowhere, so it leaves no trace.
        Assert.Equal(["accepted", "sending", "sent", "delivered", "read"], history.Select(e => e.Status));
        Assert.Equal(T0.AddSeconds(3), history.Single(e => e.Status == "delivered").At);
    }

    [Fact]
    public async Task AMessageAndItsHistory_AreReadAsOfOneMoment_WhileItsStatusesAreCommitted()
    {
        // What GET /v1/messages/{id} shows: read apart, a commit between the two reads gave a history whose last status
        // the message did not show yet (a deferral without its error).
        var ids = Enumerable.Range(0, 50).Select(i => $"s{i}").ToList();
        await Ledger.WriteAsync([.. ids.Select(id => Accept(id))], Ct);
        string[] statuses = ["accepted", "sending", "sent", "delivered", "read"];
        var current = 0;
        var writing = Task.Run(
            async () =>
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    Volatile.Write(ref current, i);
                    for (var rank = 1; rank < statuses.Length; rank++)
                    {
                        await Ledger.WriteAsync([new AdvanceWrite(ids[i], null, statuses[rank], rank, rank - 1, T0.AddSeconds(rank))], Ct);
                    }
                }
            },
            Ct);

        var torn = new List<string>();
        while (!writing.IsCompleted)
        {
            var id = ids[Volatile.Read(ref current)];
            var (message, history) = (await Ledger.ReadWithHistoryAsync(id, Ct))!.Value;
            if (message.Status != history[^1].Status)
            {
                torn.Add($"{id}: {message.Status} with history {string.Join(", ", history.Select(e => e.Status))}");
            }
        }

        await writing;
        Assert.Empty(torn);
        var last = (await Ledger.ReadWithHistoryAsync(ids[^1], Ct))!.Value;
        Assert.Equal("read", last.Message.Status);
        Assert.Equal(statuses, last.History.Select(e => e.Status));
        Assert.Null(await Ledger.ReadWithHistoryAsync("never-accepted", Ct));
    }

    [Fact]
    public async Task AFailureAfterSent_IsRecordedWithItsError()
    {
        await Ledger.WriteAsync([Accept("m1"), new AdvanceWrite("m1", "wamid.B", "sent", 2, 1, T0)], Ct);

        var outcome = await Ledger.WriteAsync([new AdvanceWrite(null, "wamid.B", "failed", 5, 2, T0.AddSeconds(1), 131026, """{"code":131026}""")], Ct);
        var message = await Ledger.ReadAsync("m1", Ct);

        Assert.Equal([LedgerWriteOutcome.Applied], outcome);
        Assert.Equal(("failed", """{"code":131026}"""), (message!.Status, message.Error));
        Assert.Equal(131026, (await Ledger.ReadEventsAsync("m1", Ct)).Single(e => e.Status == "failed").ErrorCode);
    }

    [Fact]
    public async Task ParkedMessages_AreReadBackMostUrgentFirst_AndInAcceptanceOrderWithinAClass_APageAtATime()
    {
        // Five marketing templates parked, then a utility one and a one-time password behind them.
        await Ledger.WriteAsync(
        [
            Accept("p1", parkedAt: T0), Accept("p2", parkedAt: T0), Accept("p3", parkedAt: T0), Accept("p4", parkedAt: T0), Accept("p5", parkedAt: T0),
            Accept("u6", parkedAt: T0, priority: 1), Accept("o7", parkedAt: T0, priority: 0), Accept("n8"),
        ], Ct);

        var read = new List<string>();
        for (var after = LedgerMessage.FirstDue; ;)
        {
            var page = await Ledger.ReadDueAsync(Number, T0, after, 3, Ct);
            if (page.Count == 0)
            {
                break;
            }

            read.AddRange(page.Select(m => m.Id));
            after = (page[^1].Priority, page[^1].Id);
        }

        Assert.Equal(["o7", "u6", "p1", "p2", "p3", "p4", "p5"], read);
        Assert.Equal(0, (await Ledger.ReadAsync("o7", Ct))!.Priority);
    }

    [Fact]
    public async Task ADeferredMessage_WaitsInTheClassItsDeferralNames_OrKeepsItsOwn()
    {
        // Accepted as marketing (its class unknown then); a one-time password among them is deferred once its class is known.
        await Ledger.WriteAsync([Accept("p1", parkedAt: T0), Accept("o2"), Accept("p3", parkedAt: T0), Accept("u4", parkedAt: T0, priority: 1)], Ct);
        await Ledger.WriteAsync(
        [
            new DeferWrite("o2", T0, T0, "deferred") { Priority = 0 },
            new DeferWrite("u4", T0, T0, "requeued"),
        ], Ct);

        var due = await Ledger.ReadDueAsync(Number, T0, LedgerMessage.FirstDue, 10, Ct);

        Assert.Equal([("o2", 0), ("u4", 1), ("p1", 2), ("p3", 2)], due.Select(m => (m.Id, m.Priority)));
    }

    [Fact]
    public async Task ANumbersOpenMessages_AreReadInPages_AndADeferredOneIsDueAtItsRetryTime()
    {
        const string other = "106540352200000";
        await Ledger.WriteAsync([Accept("a"), Accept("b"), Accept("c"), Accept("d"), Accept("e", number: other), Accept("f", number: other)], Ct);
        await Ledger.WriteAsync(
        [
            new AdvanceWrite("a", "wamid.a", "sent", 2, 1, T0),
            new AdvanceWrite("b", null, "sending", 1, 0, T0),
            new DeferWrite("c", T0.AddMinutes(5), T0, "deferred", -10, """{"code":-10}"""),
            new DeferWrite("a", T0.AddMinutes(5), T0, "deferred"), // already sent: cannot be deferred
            new AdvanceWrite("e", "wamid.e", "sent", 2, 1, T0),
            new AdvanceWrite("f", "wamid.f", "sent", 2, 1, T0),
        ], Ct);

        var first = await Ledger.ReadOpenAsync(Number, string.Empty, 2, Ct);
        var second = await Ledger.ReadOpenAsync(Number, first[^1].Id, 2, Ct);

        Assert.Equal(["b", "c"], first.Select(m => m.Id));
        Assert.Equal(["d"], second.Select(m => m.Id));
        Assert.Equal(("accepted", T0.AddMinutes(5)), (first[1].Status, first[1].RetryAt));
        Assert.Empty(await Ledger.ReadDueAsync(Number, T0.AddMinutes(4), LedgerMessage.FirstDue, 10, Ct));
        Assert.Equal(["c"], (await Ledger.ReadDueAsync(Number, T0.AddMinutes(5), LedgerMessage.FirstDue, 10, Ct)).Select(m => m.Id));
        Assert.Equal([Number], await Ledger.ReadOpenNumbersAsync(Ct));
        Assert.Equal(-10, (await Ledger.ReadEventsAsync("c", Ct)).Single(e => e.Status == "deferred").ErrorCode);
        Assert.Equal("sent", (await Ledger.ReadAsync("a", Ct))!.Status);
    }

    [Fact]
    public async Task ACallbackIsQueued_WithEachChangeThatApplies_OnlyForMessagesWithACallbackUrl()
    {
        var outbox = new CallbackOutboxStore(_database!);
        var until = T0.AddDays(1);
        await Ledger.WriteAsync([Accept("m1", callbackUrl: "https://example.com/hook"), Accept("m2")], Ct);

        await Ledger.WriteAsync(
        [
            new AdvanceWrite("m1", "wamid.1", "sent", 2, 1, T0) { CallbackUntil = until },
            new AdvanceWrite("m2", "wamid.2", "sent", 2, 1, T0) { CallbackUntil = until },
            new AdvanceWrite(null, "wamid.1", "delivered", 3, 2, T0.AddSeconds(1)) { CallbackUntil = until },
            new AdvanceWrite(null, "wamid.1", "delivered", 3, 2, T0.AddSeconds(1)) { CallbackUntil = until }, // a duplicate
            new AdvanceWrite(null, "wamid.1", "sent", 2, 1, T0) { CallbackUntil = until }, // late
        ], Ct);
        var due = await outbox.ReadDueAsync(T0.AddMinutes(1), 10, Ct);
        await outbox.RescheduleAsync(due[0].Id, 1, T0.AddHours(1), Ct);
        await outbox.DeleteAsync(due[1].Id, Ct);

        Assert.Equal([("m1", "sent", "https://example.com/hook"), ("m1", "delivered", "https://example.com/hook")], due.Select(d => (d.MessageId, d.Status, d.Url)));
        Assert.Equal(("wamid.1", until), (due[1].Wamid, due[1].ExpiresAt));
        Assert.Empty(await outbox.ReadDueAsync(T0.AddMinutes(2), 10, Ct));
        Assert.Equal(1, (await outbox.ReadDueAsync(T0.AddHours(2), 10, Ct)).Single().Attempts);
    }

    [Fact]
    public async Task ACallbackCarriesTheErrorOfItsOwnChange_NotTheMessagesLaterOne()
    {
        // A deferral's callback still retrying (its receiver was down) when the message, sent later, fails with another
        // error: each callback tells its own error, code and details together.
        var outbox = new CallbackOutboxStore(_database!);
        var until = T0.AddDays(1);
        const string limit = """{"code":-10,"error_data":{"details":"Messaging limit reached"}}""";
        const string undeliverable = """{"code":131026,"error_data":{"details":"Message undeliverable"}}""";
        await Ledger.WriteAsync([Accept("m1", callbackUrl: "https://example.com/hook")], Ct);
        await Ledger.WriteAsync([new DeferWrite("m1", T0.AddMinutes(1), T0, "deferred", -10, limit) { CallbackUntil = until }], Ct);
        await Ledger.WriteAsync(
        [
            new AdvanceWrite("m1", "wamid.1", "sent", 2, 1, T0.AddMinutes(1)) { CallbackUntil = until },
            new AdvanceWrite(null, "wamid.1", "failed", 5, 2, T0.AddMinutes(2), 131026, undeliverable) { CallbackUntil = until },
        ], Ct);

        var due = await outbox.ReadDueAsync(T0.AddHours(1), 10, Ct);

        Assert.Equal(
            [("deferred", (int?)-10, limit), ("sent", null, null), ("failed", 131026, undeliverable)],
            due.Select(d => (d.Status, d.ErrorCode, d.Error)));
    }

    [Fact]
    public async Task AStatusFoundByOurOwnId_RecordsTheWamid_AndTurnsAnUnknownOutcomeIntoWhatMetaReported()
    {
        var until = T0.AddDays(1);
        await Ledger.WriteAsync(
        [
            Accept("lost", callbackUrl: "https://example.com/hook"),
            new AdvanceWrite("lost", null, "sending", 1, 0, T0),
            new AdvanceWrite("lost", null, "failed", 5, 1, T0.AddSeconds(1), -1, """{"code":-1}"""),
            Accept("racing"),
            new AdvanceWrite("racing", null, "sending", 1, 0, T0),
            Accept("refused"),
            new AdvanceWrite("refused", null, "failed", 5, 1, T0, 131026, """{"code":131026}"""),
        ], Ct);

        var outcomes = await Ledger.WriteAsync(
        [
            new ReconcileWrite("lost", "wamid.L", "delivered", 3, 2, T0.AddSeconds(5)) { CallbackUntil = until },
            new ReconcileWrite("racing", "wamid.R", "sent", 2, 1, T0.AddSeconds(2)),
            new ReconcileWrite("refused", "wamid.X", "delivered", 3, 2, T0.AddSeconds(2)), // a real failure stays one
            new ReconcileWrite("lost", "wamid.L", "delivered", 3, 2, T0.AddSeconds(5)), // a replay
            new ReconcileWrite("racing", "wamid.R", "delivered", 3, 2, T0.AddSeconds(3)), // its sent was reconciled first
            new AdvanceWrite(null, "wamid.L", "read", 4, 3, T0.AddSeconds(6)), // now found by wamid
        ], Ct);
        var lost = await Ledger.ReadAsync("lost", Ct);

        Assert.Equal([LedgerWriteOutcome.Applied, LedgerWriteOutcome.Applied, LedgerWriteOutcome.Unchanged, LedgerWriteOutcome.Unchanged, LedgerWriteOutcome.Applied, LedgerWriteOutcome.Applied], outcomes);
        Assert.Equal(("read", "wamid.L", null, null), (lost!.Status, lost.Wamid, lost.Error, (await Ledger.ReadAsync("refused", Ct))!.Wamid));
        Assert.Equal(["accepted", "delivered", "read", "sending", "sent"], (await Ledger.ReadEventsAsync("lost", Ct)).Select(e => e.Status).Order(StringComparer.Ordinal));
        Assert.Equal(("delivered", "wamid.R"), ((await Ledger.ReadAsync("racing", Ct))!.Status, (await Ledger.ReadAsync("racing", Ct))!.Wamid));
        Assert.Equal(["delivered"], (await new CallbackOutboxStore(_database!).ReadDueAsync(T0.AddMinutes(1), 10, Ct)).Select(d => d.Status));
    }

    [Fact]
    public async Task AMessagesTraceParent_IsKept_AndFoundByItsWamid()
    {
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string waiting = "00-0af7651916cd43dd8448eb211c80319d-b7ad6b7169203332-01";
        await Ledger.WriteAsync([Accept("traced", traceParent: traceParent), Accept("untraced"), Accept("waiting", traceParent: waiting), new AdvanceWrite("traced", "wamid.T", "sent", 2, 0, T0)], Ct);

        var traced = await Ledger.ReadAsync("traced", Ct);
        var open = await Ledger.ReadOpenAsync(Number, "", 10, Ct);

        Assert.Equal((traceParent, null), (traced!.TraceParent, (await Ledger.ReadAsync("untraced", Ct))!.TraceParent));
        await Ledger.WriteAsync([new AdvanceWrite("untraced", "wamid.U", "sent", 2, 0, T0)], Ct);
        Assert.Equal(((true, traceParent), (true, null), (false, null)), (await Ledger.TraceParentByWamidAsync("wamid.T", Ct), await Ledger.TraceParentByWamidAsync("wamid.U", Ct), await Ledger.TraceParentByWamidAsync("wamid.none", Ct)));
        Assert.Equal([("untraced", (string?)null), ("waiting", waiting)], open.Select(m => (m.Id, m.TraceParent)).OrderBy(m => m.Id, StringComparer.Ordinal));
    }

    [Fact]
    public async Task AGroupOfThousands_AppliesEachWriteInItsPlace()
    {
        var accepts = Enumerable.Range(0, 1500).Select(i => (LedgerWrite)Accept($"g{i:D4}")).ToList();
        var group = accepts
            .Concat(Enumerable.Range(0, 1500).Select(i => (LedgerWrite)new AdvanceWrite($"g{i:D4}", $"wamid.g{i}", "sent", 2, 1, T0)))
            .Concat(Enumerable.Range(0, 1500).Select(i => (LedgerWrite)new AdvanceWrite(null, $"wamid.g{i}", "delivered", 3, 2, T0.AddSeconds(1))))
            .Append(new AdvanceWrite(null, "wamid.nobody", "delivered", 3, 2, T0))
            .ToList();

        var outcomes = await Ledger.WriteAsync(group, Ct);

        Assert.Equal(4500, outcomes.Count(o => o == LedgerWriteOutcome.Applied));
        Assert.Equal(LedgerWriteOutcome.NotFound, outcomes[^1]);
        Assert.Equal("delivered", (await Ledger.ReadAsync("g1499", Ct))!.Status);
    }

    [Fact]
    public async Task AGroupRefusedHalfway_LeavesNothing_AndTheNextGroupIsWritten()
    {
        // The second write names neither a message id nor a wamid: the group is refused inside its transaction.
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.WriteAsync([Accept("h1"), new AdvanceWrite(null, null, "sent", 2, 1, T0)], Ct));

        var outcomes = await Ledger.WriteAsync([Accept("h2"), new AdvanceWrite("h2", "wamid.h2", "sent", 2, 1, T0)], Ct);

        Assert.Null(await Ledger.ReadAsync("h1", Ct));
        Assert.Equal([LedgerWriteOutcome.Applied, LedgerWriteOutcome.Applied], outcomes);
        Assert.Equal("sent", (await Ledger.ReadAsync("h2", Ct))!.Status);
    }

    [Fact]
    public async Task AWritersConnectionClosedUnderIt_IsOpenedAgainForTheNextWrite()
    {
        await Ledger.WriteAsync([Accept("c1")], Ct);
        await using (var writer = await _database!.OpenWriterAsync(Ct))
        {
            await writer.Connection.CloseAsync();
        }

        await Ledger.WriteAsync([Accept("c2"), new AdvanceWrite("c1", "wamid.c1", "sent", 2, 1, T0)], Ct);

        Assert.Equal(("sent", "accepted"), ((await Ledger.ReadAsync("c1", Ct))!.Status, (await Ledger.ReadAsync("c2", Ct))!.Status));
    }

    [Fact]
    public async Task TheWebhookInbox_KeepsDeliveriesByteForByte_UntilDeleted()
    {
        var inbox = new WebhookInboxStore(_database!);
        byte[] one = [1, 2, 3, 0, 255];
        byte[] two = "{\"object\":\"whatsapp_business_account\"}"u8.ToArray();

        var ids = await inbox.AddAsync([new WebhookDelivery(T0, one), new WebhookDelivery(T0.AddSeconds(1), two)], Ct);
        await inbox.DeleteAsync([ids[0]], Ct);
        var left = await inbox.ReadAsync(0, 10, Ct);

        Assert.True(ids[1] > ids[0]);
        Assert.Equal((ids[1], T0.AddSeconds(1)), (left.Single().Id, left.Single().Delivery.ReceivedAt));
        Assert.Equal(two, left.Single().Delivery.Body);
    }

    private const string Number = "106540352242922";

    private static AcceptWrite Accept(string id, string? key = null, string? callbackUrl = null, string number = Number, string? traceParent = null, DateTimeOffset? parkedAt = null, int priority = LedgerMessage.BulkPriority) =>
        new(new LedgerMessage(id, key, number, "16505551234", null, "async", """{"to":"16505551234"}""", "accepted", null, null, parkedAt, T0, T0.AddHours(24), T0, callbackUrl, traceParent, priority));
}

/// <summary>The ledger contract on a SQLite file.</summary>
public sealed class SqliteMessageLedgerTests : MessageLedgerContractTests
{
    private readonly TempSqliteFile _file = new();

    protected override Task<StorageOptions> CreateOptionsAsync() => Task.FromResult(new StorageOptions().UseSqlite(_file.ConnectionString));

    protected override Task DropAsync()
    {
        _file.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The ledger contract on a real PostgreSQL server, in a fresh database per test.</summary>
public sealed class PostgresMessageLedgerTests : MessageLedgerContractTests
{
    private readonly ThrowawayPostgres _database = new();

    protected override Task<StorageOptions> CreateOptionsAsync()
    {
        Assert.SkipWhen(TestPostgres.SkipReason is not null, TestPostgres.SkipReason ?? string.Empty);
        return _database.CreateAsync();
    }

    protected override Task DropAsync() => _database.DropAsync();
}
