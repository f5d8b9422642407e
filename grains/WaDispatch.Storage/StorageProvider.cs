namespace WaDispatch.Storage;

/// <summary>The database engine behind WaDispatch's storage.</summary>
public enum StorageProvider
{
    /// <summary>SQLite through Microsoft.Data.Sqlite: the embedded, zero-configuration default.</summary>
    Sqlite,

    /// <summary>PostgreSQL through Npgsql: production, and the engine for several silos.</summary>
    PostgreSql,
}
