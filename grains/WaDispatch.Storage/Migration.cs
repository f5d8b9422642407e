using System.Globalization;

namespace WaDispatch.Storage;

/// <summary>
/// One schema migration script, named <c>NNNN_description.sql</c>. Scripts are safe to run again (silos may race to
/// apply them); one that adds a column, which SQLite cannot do conditionally, starts with
/// <c>-- adds-column: table.column</c> and is skipped where the column is already there.
/// </summary>
/// <param name="Id">The number that orders migrations and records them as applied.</param>
/// <param name="Name">The file name.</param>
/// <param name="Sql">The script.</param>
public sealed record Migration(int Id, string Name, string Sql)
{
    private const string AddsColumnMarker = "-- adds-column: ";

    /// <summary>The table and column the script adds, when it is one that adds a column; null otherwise.</summary>
    public (string Table, string Column)? AddsColumn =>
        Sql.StartsWith(AddsColumnMarker, StringComparison.Ordinal) && Sql[AddsColumnMarker.Length..].Split('\n', 2)[0].Trim().Split('.') is [{ Length: > 0 } table, { Length: > 0 } column]
            ? (table, column)
            : null;

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
