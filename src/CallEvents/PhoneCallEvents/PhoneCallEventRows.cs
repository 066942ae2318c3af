using System.Data.Common;

namespace CallEvents.PhoneCallEvents;

/// <summary>Reading phone_call_events rows from plain SQL (Storage/Sql/PreparedSql.cs): the columns, in this order.</summary>
internal static class PhoneCallEventRows
{
    public const string Columns = "id, extension_id, type, method, url, status, note, app_client_id, modified";

    public static PhoneCallEvent Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        ExtensionId = reader.GetInt64(1),
        Type = reader.GetInt32(2),
        Method = reader.GetInt32(3),
        Url = reader.GetString(4),
        Status = reader.GetInt32(5),
        Note = reader.IsDBNull(6) ? null : reader.GetString(6),
        AppClientId = reader.IsDBNull(7) ? null : reader.GetString(7),
        Modified = reader.GetString(8),
    };
}
