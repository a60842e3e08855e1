using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace LibraryCluster.Catalog.Store;

/// <summary>
/// A prepared statement driven through SQLite's C API, for the import's hot path: binding and
/// stepping directly measured 1.6× faster than SqliteCommand, which builds a data reader per call.
/// It runs on the connection (and inside the transaction) it was made from.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Binds parameters 1..n in order (string, long, int, null) and steps once; true when a row came back.</summary>
    public bool Run(params ReadOnlySpan<object?> values)
    {
        raw.sqlite3_reset(_statement);
        for (var i = 0; i < values.Length; i++)
        {
            var rc = values[i] switch
            {
                null => raw.sqlite3_bind_null(_statement, i + 1),
                string text => raw.sqlite3_bind_text(_statement, i + 1, text),
                long number => raw.sqlite3_bind_int64(_statement, i + 1, number),
                int number => raw.sqlite3_bind_int64(_statement, i + 1, number),
                _ => throw new ArgumentException($"cannot bind a {values[i]!.GetType().Name}"),
            };
            Check(rc);
        }

        var step = raw.sqlite3_step(_statement);
        if (step is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
        {
            Check(step);
        }

        return step == raw.SQLITE_ROW;
    }

    /// <summary>Rows changed by the last <see cref="Run"/>.</summary>
    public int Changes => raw.sqlite3_changes(_db);

    public long? Int64(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL ? null : raw.sqlite3_column_int64(_statement, column);

    /// <summary>Ends a statement that returned a row, so that it holds no read open.</summary>
    public void Reset() => raw.sqlite3_reset(_statement);

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }
}
