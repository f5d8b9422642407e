using BenchmarkDotNet.Attributes;
using WaDispatch.Storage;
using WaDispatch.Storage.Messages;

namespace WaDispatch.Benchmarks;

/// <summary>
/// The ledger's group commit on a SQLite file, as the silo writes it: each message accepted, marked sent with its
/// wamid, then delivered as its status webhook finds it by wamid; <see cref="Messages"/> messages in a group (one
/// transaction). Results are per group; every group's messages are new, so every write applies.
/// </summary>
[MemoryDiagnoser]
public class LedgerWriteBenchmarks
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private DirectoryInfo _folder = null!;
    private StorageDatabase _database = null!;
    private MessageLedgerStore _ledger = null!;
    private int _next;

    /// <summary>Messages in a group: 1 (a quiet silo, every write its own), 16 and 256 (under load).</summary>
    [Params(1, 16, 256)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("wadispatch-ledger-bench-");
        _database = StorageDatabase.Create(new StorageOptions().UseSqlite($"Data Source={Path.Combine(_folder.FullName, "ledger.db")}"));
        new SchemaMigrator(_database, TimeProvider.System).MigrateAsync().GetAwaiter().GetResult();
        _ledger = new MessageLedgerStore(_database);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Benchmark]
    public Task<LedgerWriteOutcome[]> AcceptedSentDelivered() => _ledger.WriteAsync(Group(_next++));

    private LedgerWrite[] Group(int group)
    {
        var writes = new LedgerWrite[Messages * 3];
        for (var i = 0; i < Messages; i++)
        {
            var id = $"bench-{group}-{i}";
            writes[i] = new AcceptWrite(new LedgerMessage(id, null, "106540352242922", "16505551234", null, "async", """{"to":"16505551234"}""", "accepted", null, null, null, At, At.AddHours(24), At, null, null));
            writes[Messages + i] = new AdvanceWrite(id, $"wamid.{id}", "sent", 2, 1, At);
            writes[(2 * Messages) + i] = new AdvanceWrite(null, $"wamid.{id}", "delivered", 3, 2, At.AddSeconds(1));
        }

        return writes;
    }
}
