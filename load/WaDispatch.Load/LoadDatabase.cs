using Npgsql;

namespace WaDispatch.Load;

/// <summary>A fresh PostgreSQL database for one run, made with the role of a given connection string and dropped afterwards.</summary>
internal sealed class LoadDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;

    private LoadDatabase(string admin, string name, string connectionString)
    {
        _admin = admin;
        _name = name;
        ConnectionString = connectionString;
    }

    /// <summary>The new database's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates <c>wadispatch_load_…</c> beside the database of <paramref name="connectionString"/>.</summary>
    public static async Task<LoadDatabase> CreateAsync(string connectionString)
    {
        var name = $"wadispatch_load_{Guid.NewGuid():N}";
        await ExecuteAsync(connectionString, $"CREATE DATABASE {name}");
        return new LoadDatabase(connectionString, name, new NpgsqlConnectionStringBuilder(connectionString) { Database = name }.ConnectionString);
    }

    /// <summary>Drops the database.</summary>
    /// <remarks>
    /// <c>WITH (FORCE)</c> ends the run's own connections, but not an autovacuum worker that the run's writes started on
    /// the database (it is not this role's to end: 42501, seen once in a CI run of the cluster smoke test): that one
    /// finishes within seconds, so the drop is tried again, as the tests' own databases are (<c>TestPostgres</c>).
    /// </remarks>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
