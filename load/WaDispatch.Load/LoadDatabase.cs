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

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync(_admin, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
