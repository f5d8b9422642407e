using System.Collections.Frozen;
using System.Reflection;

namespace WaDispatch.Storage;

/// <summary>
/// The SQL of one vendor, read from the embedded <c>Sql/{vendor}</c> folder, falling back to
/// <c>Sql/Common</c> for statements every vendor writes the same way.
/// </summary>
public sealed class SqlScripts
{
    private const string Root = "Sql/";
    private readonly FrozenDictionary<string, string> _scripts;

    private SqlScripts(StorageProvider provider, FrozenDictionary<string, string> scripts, IReadOnlyList<Migration> migrations)
    {
        Provider = provider;
        _scripts = scripts;
        Migrations = migrations;
    }

    /// <summary>The vendor these scripts are for.</summary>
    public StorageProvider Provider { get; }

    /// <summary>The schema migrations, in the order they apply.</summary>
    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>Loads the scripts of <paramref name="provider"/>.</summary>
    public static SqlScripts For(StorageProvider provider)
    {
        var assembly = typeof(SqlScripts).Assembly;
        var vendor = $"{Root}{provider}/";
        const string common = Root + "Common/";
        var scripts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var name = resource.Replace('\\', '/');
            if (name.StartsWith(common, StringComparison.Ordinal))
            {
                scripts.TryAdd(name[common.Length..], Read(assembly, resource));
            }
            else if (name.StartsWith(vendor, StringComparison.Ordinal))
            {
                scripts[name[vendor.Length..]] = Read(assembly, resource);
            }
        }

        const string migrationFolder = "Migrations/";
        var migrations = scripts
            .Where(s => s.Key.StartsWith(migrationFolder, StringComparison.Ordinal))
            .Select(s => Migration.Parse(s.Key[migrationFolder.Length..], s.Value))
            .OrderBy(m => m.Id)
            .ToList();
        return new SqlScripts(provider, scripts.ToFrozenDictionary(StringComparer.Ordinal), migrations);
    }

    /// <summary>The script at <paramref name="path"/> relative to the vendor folder, e.g. <c>Messages/read.sql</c>.</summary>
    /// <exception cref="KeyNotFoundException">The vendor has no such script.</exception>
    public string Get(string path) =>
        _scripts.TryGetValue(path, out var sql) ? sql : throw new KeyNotFoundException($"No SQL script '{path}' for {Provider}.");

    /// <summary>The script at <paramref name="path"/>, or null when the vendor needs none.</summary>
    public string? Find(string path) => _scripts.GetValueOrDefault(path);

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
