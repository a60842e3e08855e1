using Microsoft.Data.Sqlite;

namespace LibraryCluster.Catalog.Store;

/// <summary>Prepared commands with positional parameters, for the write paths that run them many times.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Create(SqliteConnection connection, SqliteTransaction? transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>Sets the parameters in order and executes; returns the number of rows changed.</summary>
    public static int Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        return command.ExecuteNonQuery();
    }
}
