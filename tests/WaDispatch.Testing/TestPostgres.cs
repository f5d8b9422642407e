using Npgsql;

namespace WaDispatch.Testing;

/// <summary>
/// The PostgreSQL server the tests may use, from <c>WADISPATCH_TEST_POSTGRES</c> (a connection string
/// whose role may create databases). <c>.ci/run</c> sets it; locally it is optional.
/// </summary>
public static class TestPostgres
{
    /// <summary>The environment variable holding the connection string.</summary>
    public const string EnvironmentVariable = "WADISPATCH_TEST_POSTGRES";

    /// <summary>The configured connection string, or null.</summary>
    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } cs ? cs : null;

    /// <summary>
    /// Why PostgreSQL tests cannot run here, or null when they can. Under CI (<c>CI=true</c>) a missing
    /// server is an error, not a reason to skip.
    /// </summary>
    public static string? SkipReason
    {
        get
        {
            if (ConnectionString is not null)
            {
                return null;
            }

            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"CI=true but {EnvironmentVariable} is not set: .ci/run must start PostgreSQL and export it.");
            }

            return $"PostgreSQL tests skipped: set {EnvironmentVariable} to a connection string whose role may create databases (as .ci/run does).";
        }
    }

    /// <summary>Creates a fresh, empty database and returns its connection string; drop it with <see cref="DropDatabaseAsync"/>.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = ConnectionString ?? throw new InvalidOperationException(SkipReason);
        var name = $"wadispatch_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = false }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>.</summary>
    /// <remarks>
    /// <c>WITH (FORCE)</c> ends the test's own connections, but not an autovacuum worker that a test's writes started
    /// on the database (it is not this role's to end: 42501): that one finishes within seconds, so the drop is tried again.
    /// </remarks>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse && attempt < 60)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }
}
