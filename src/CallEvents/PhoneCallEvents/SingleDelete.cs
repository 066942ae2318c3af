using System.Data.Common;
using System.Globalization;
using CallEvents.Accounts;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents;

/// <summary>
/// The hot path of <c>DELETE …/phoneCallEvents/{eventType}/{eventId}</c> in one round trip
/// (issue 2, STYLE 3): one <c>DELETE … RETURNING id</c> whose WHERE clause holds every rule of
/// contract §4 — the extension by number, an allowed type, inside the caller's context, owned as
/// the userId requires, no denial on its path. When it deletes the row, every check the full
/// path makes would have passed. When it deletes nothing, the caller runs the full path, which
/// finds the documented error in the documented order (or pce_id_invalid).
/// </summary>
public static class SingleDelete
{
    private static readonly string AllowedTypes = string.Join(", ",
        Enum.GetValues<ExtensionType>().Where(t => t.AllowsPhoneCallEvents()).Select(t => ((int)t).ToString(CultureInfo.InvariantCulture)));

    /// <summary>The statement for this request, or null when it is not the plain case (the full path handles it).</summary>
    public static DbCommand? TryCreate(DbConnection connection, Caller caller, RouteValueDictionary values)
    {
        if (values["userId"] is not string userId || values["extension"] is not string extension
            || !EventTypes.TryParse(values["eventType"] as string, out var type)
            || values["eventId"] is not string eventId || !ObjectIds.IsEventId(eventId)
            || !ExtensionNumber.TryParse(extension, out var number))
        {
            return null;
        }
        string? owner;
        switch (userId)
        {
            case "@me" or "@viewer" or "@owner":
                owner = null;
                break;
            case var named when ObjectIds.IsObjectId(named) && !number.IsShort:
                owner = named; // a short number with a named user resolves in that user's organization: full path
                break;
            default:
                return null;
        }
        if (caller.Kind == AccountKind.User)
        {
            if (owner is not null && owner != caller.AccountId)
            {
                return null; // naming a colleague is an error; the full path says which
            }
            owner = caller.AccountId;
        }
        string extended;
        if (number.IsShort)
        {
            if (caller.OrganizationCode is null)
            {
                return null;
            }
            extended = number.Extended(caller.OrganizationCode);
        }
        else
        {
            extended = extension;
        }

        var command = connection.CreateCommand();
        command.CommandText = $"""
            DELETE FROM phone_call_events
            WHERE id = @id AND type = @type AND extension_id IN (
                SELECT e.id FROM extensions e
                JOIN accounts o ON o.id = e.owner_id
                JOIN accounts g ON g.id = e.organization_id
                LEFT JOIN accounts p ON p.id = g.parent_id
                LEFT JOIN accounts a ON a.id = p.parent_id
                WHERE e.number = @number AND e.type IN ({AllowedTypes})
                  AND NOT o.phone_call_events_denied AND NOT g.phone_call_events_denied
                  AND (p.id IS NULL OR NOT p.phone_call_events_denied)
                  AND (a.id IS NULL OR NOT a.phone_call_events_denied)
            """
            + (caller.Kind == AccountKind.Admin ? "" : " AND e.organization_id = @organization")
            + (owner is null ? "" : " AND e.owner_id = @owner")
            + ") RETURNING id";
        Add(command, "id", eventId);
        Add(command, "type", type);
        Add(command, "number", extended);
        if (caller.Kind != AccountKind.Admin)
        {
            if (caller.OrganizationId is null)
            {
                command.Dispose();
                return null;
            }
            Add(command, "organization", caller.OrganizationId);
        }
        if (owner is not null)
        {
            Add(command, "owner", owner);
        }
        return command;
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
