using System.Data.Common;

namespace WaDispatch.Storage;

/// <summary>
/// Statements of one transaction run together: on a server database (PostgreSQL) as one <see cref="DbBatch"/>, a
/// single round trip however many there are; on SQLite, which runs in-process and has no batches, one after another,
/// each script's command prepared once on the writer's connection and kept there for the writes that follow
/// (<see cref="StorageConnection.Command"/>). A group commit of a thousand writes then costs a few round trips, not
/// thousands.
/// </summary>
internal sealed class StatementBatch(StorageConnection writer, DbTransaction transaction, SqlScripts sql)
{
    private readonly List<(string Script, (string Name, object? Value)[] Values)> _statements = [];

    /// <summary>Statements added and not yet run.</summary>
    public int Count => _statements.Count;

    /// <summary>Adds the statement of <paramref name="script"/> with <paramref name="values"/>; returns its index in the next run.</summary>
    public int Add(string script, params (string Name, object? Value)[] values)
    {
        _statements.Add((script, values));
        return _statements.Count - 1;
    }

    /// <summary>Runs the statements added so far, in order; returns the rows each changed.</summary>
    public async Task<int[]> ExecuteAsync(CancellationToken cancellationToken)
    {
        var affected = new int[_statements.Count];
        if (_statements.Count == 0)
        {
            return affected;
        }

        if (writer.Connection.CanCreateBatch)
        {
            await using var batch = Batch();
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < affected.Length; i++)
            {
                affected[i] = batch.BatchCommands[i].RecordsAffected;
            }
        }
        else
        {
            for (var i = 0; i < affected.Length; i++)
            {
                affected[i] = await Prepared(i).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        _statements.Clear();
        return affected;
    }

    /// <summary>Runs the queries added so far, in order; returns for each whether it found a row.</summary>
    public async Task<bool[]> FindAsync(CancellationToken cancellationToken)
    {
        var found = new bool[_statements.Count];
        if (_statements.Count == 0)
        {
            return found;
        }

        if (writer.Connection.CanCreateBatch)
        {
            await using var batch = Batch();
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            for (var i = 0; i < found.Length; i++)
            {
                found[i] = await Prepared(i).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null and not DBNull;
            }
        }

        _statements.Clear();
        return found;
    }

    private DbBatch Batch()
    {
        var batch = writer.Connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var (script, values) in _statements)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = sql.Get(script);
            foreach (var (name, value) in values)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = ParameterNames.Of(name);
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(command);
        }

        return batch;
    }

    private DbCommand Prepared(int index)
    {
        var (script, values) = _statements[index];
        var command = writer.Command(sql.Get(script), transaction, out var created);
        if (created)
        {
            foreach (var (name, _) in values)
            {
                command.With(name, null);
            }
        }

        // A script's statements name their values in the same order each time: bound by position, with the name checked.
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.Parameters[i];
            if (!parameter.ParameterName.AsSpan(1).SequenceEqual(values[i].Name.AsSpan(values[i].Name.StartsWith('@') ? 1 : 0)))
            {
                throw new InvalidOperationException($"{script}: value {i} is '{values[i].Name}', where its first statement had '{parameter.ParameterName}'.");
            }

            parameter.Value = values[i].Value ?? DBNull.Value;
        }

        return command;
    }
}
