using System.Globalization;

namespace WaDispatch.Storage;

/// <summary>One schema migration script, named <c>NNNN_description.sql</c>.</summary>
/// <param name="Id">The number that orders migrations and records them as applied.</param>
/// <param name="Name">The file name.</param>
/// <param name="Sql">The script.</param>
public sealed record Migration(int Id, string Name, string Sql)
{
    internal static Migration Parse(string fileName, string sql)
    {
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw new InvalidOperationException($"Migration script '{fileName}' must be named NNNN_description.sql.");
        }

        return new Migration(id, fileName, sql);
    }
}
