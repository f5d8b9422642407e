using System.Data.Common;

namespace WaDispatch.Storage;

/// <summary>Small helpers that keep the storage code about SQL rather than ADO.NET ceremony.</summary>
internal static class DbCommandExtensions
{
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = ParameterNames.Of(name);
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}

/// <summary>
/// A parameter's name as the scripts write it, <c>@name</c>. Microsoft.Data.Sqlite looks an unprefixed name up four
/// times on every execution (as given, then with each of <c>:</c>, <c>@</c> and <c>$</c>, to refuse an ambiguous one),
/// making a string and a UTF-8 copy each time; in a max-throughput run that binding was an eighth of everything the
/// silo allocated. Npgsql takes either form. The prefixed names are made once each.
/// </summary>
internal static class ParameterNames
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Prefixed = new(StringComparer.Ordinal);

    /// <summary><paramref name="name"/> with the <c>@</c> prefix.</summary>
    public static string Of(string name) => name.StartsWith('@') ? name : Prefixed.GetOrAdd(name, static n => "@" + n);
}
