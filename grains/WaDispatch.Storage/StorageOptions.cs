namespace WaDispatch.Storage;

/// <summary>Settings of WaDispatch's storage (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Storage";

    /// <summary>The SQLite connection string used when none is given: a file under <c>./data</c>.</summary>
    public const string DefaultSqliteConnectionString = "Data Source=data/wadispatch.db";

    /// <summary>The database engine. Default <see cref="StorageProvider.Sqlite"/>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// The ADO.NET connection string. Optional for SQLite (default <see cref="DefaultSqliteConnectionString"/>);
    /// required for PostgreSQL.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The most database connections the silo holds open at once (default <see cref="DefaultMaxConnections"/>).
    /// Past it, storage work waits for a connection to come back: a slower silo, never a failed send. On PostgreSQL
    /// it is also the pool's size (it overrides <c>Maximum Pool Size</c> in the connection string); give the server a
    /// <c>max_connections</c> of at least silos × this + what other clients need.
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>The default of <see cref="MaxConnections"/>: well under PostgreSQL's default <c>max_connections</c> of 100.</summary>
    public const int DefaultMaxConnections = 20;

    /// <summary>Uses SQLite with <paramref name="connectionString"/>, or the default file under <c>./data</c>.</summary>
    public StorageOptions UseSqlite(string? connectionString = null)
    {
        Provider = StorageProvider.Sqlite;
        ConnectionString = connectionString;
        return this;
    }

    /// <summary>Uses PostgreSQL with <paramref name="connectionString"/>.</summary>
    public StorageOptions UsePostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Provider = StorageProvider.PostgreSql;
        ConnectionString = connectionString;
        return this;
    }
}
