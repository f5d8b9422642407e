namespace WaDispatch.Testing;

/// <summary>A SQLite database file in a fresh temporary folder, deleted on dispose.</summary>
public sealed class TempSqliteFile : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "wadispatch-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Creates the folder.</summary>
    public TempSqliteFile() => Directory.CreateDirectory(_folder);

    /// <summary>The connection string of the database file.</summary>
    public string ConnectionString => $"Data Source={Path.Combine(_folder, "test.db")};Pooling=False";

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a finalizing connection: the temp folder is cleaned by the OS.
        }
    }
}
