using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CallEvents.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// A digest of every row of every table, read over a connection of its own (not the server's),
/// so that "a refused request changed nothing" is checked on the database itself: the same
/// digest before and after.
/// </summary>
public sealed class DatabaseSnapshot(DatabaseProvider provider, string connectionString)
{
    public static DatabaseSnapshot Of(IServiceProvider services)
    {
        var options = StorageSetup.ReadOptions(services.GetRequiredService<IConfiguration>());
        return new DatabaseSnapshot(options.Provider, options.ConnectionString!);
    }

    /// <summary>The first column of the first row <paramref name="sql"/> returns, as text.</summary>
    public async Task<string?> FirstAsync(string sql)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private DbConnection Open() => provider == DatabaseProvider.Postgres
        ? new NpgsqlConnection(connectionString)
        : new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());

    /// <summary>Per table, its row count and a hash of its rows (in a fixed order).</summary>
    public async Task<string> TakeAsync()
    {
        await using var connection = Open();
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = provider == DatabaseProvider.Postgres
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
                : "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var digest = new StringBuilder();
        foreach (var table in tables)
        {
            var rows = new List<string>();
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.GetValue(i);
                    row.Append(value is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(value, CultureInfo.InvariantCulture)).Append('\u001f');
                }
                rows.Add(row.ToString());
            }
            rows.Sort(StringComparer.Ordinal);
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\u001e', rows))))[..16];
            digest.Append(CultureInfo.InvariantCulture, $"{table}:{rows.Count}:{hash} ");
        }
        return digest.ToString();
    }
}
