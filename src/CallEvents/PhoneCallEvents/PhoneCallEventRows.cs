using System.Data.Common;

namespace CallEvents.PhoneCallEvents;

/// <summary>Reading phone_call_events rows from plain SQL (Storage/Sql/PreparedSql.cs): the columns, in this order.</summary>
internal static class PhoneCallEventRows
{
    public const string Columns = "id, extension_id, type, method, url, status, note, app_client_id, modified";

    /// <summary>The row's event, its columns from ordinal <paramref name="first"/> on (after others a statement selects first).</summary>
    public static PhoneCallEvent Read(DbDataReader reader, int first = 0) => new()
    {
        Id = reader.GetString(first),
        ExtensionId = reader.GetInt64(first + 1),
        Type = reader.GetInt32(first + 2),
        Method = reader.GetInt32(first + 3),
        Url = reader.GetString(first + 4),
        Status = reader.GetInt32(first + 5),
        Note = reader.IsDBNull(first + 6) ? null : reader.GetString(first + 6),
        AppClientId = reader.IsDBNull(first + 7) ? null : reader.GetString(first + 7),
        Modified = reader.GetString(first + 8),
    };
}
