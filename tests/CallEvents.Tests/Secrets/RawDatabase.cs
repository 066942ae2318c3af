using System.Data.Common;
using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CallEvents.Tests.Secrets;

/// <summary>
/// A host's database read and written around the server, with a connection of its own (a raw
/// SQLite connection on the real file, or Npgsql), as whoever holds a copy, a dump or write
/// access to it would.
/// </summary>
public static class RawDatabase
{
    public static Task<List<string?[]>> RowsAsync(CallEventsHost host, string sql, params (string Name, object? Value)[] parameters) =>
        RowsAsync(Open(host), sql, parameters);

    public static Task<int> ExecuteAsync(CallEventsHost host, string sql, params (string Name, object? Value)[] parameters) =>
        ExecuteAsync(Open(host), sql, parameters);

    /// <summary>A SQLite database file of a data directory that no server holds.</summary>
    public static DbConnection SqliteFile(string dataDirectory) =>
        new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "callevents.db")};Pooling=False");

    public static async Task<List<string?[]>> RowsAsync(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = Command(connection, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string?[]>();
            while (await reader.ReadAsync())
            {
                var row = new string?[reader.FieldCount];
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
                }
                rows.Add(row);
            }
            return rows;
        }
    }

    public static async Task<int> ExecuteAsync(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        await using (connection)
        {
            await connection.OpenAsync();
            await using var command = Command(connection, sql, parameters);
            return await command.ExecuteNonQueryAsync();
        }
    }

    private static DbConnection Open(CallEventsHost host)
    {
        var options = host.Services.GetRequiredService<DatabaseOptions>();
        return options.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(options.ConnectionString)
            : new SqliteConnection(new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false }.ToString());
    }

    private static DbCommand Command(DbConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
