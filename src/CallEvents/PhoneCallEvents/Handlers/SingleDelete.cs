using System.Globalization;
using CallEvents.Accounts;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Handlers;

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

    /// <summary>The statement for this request and its parameters, or false when it is not the plain case (the full path handles it).</summary>
    public static bool TryBuild(Caller caller, RouteValueDictionary values, out string sql, out object?[] parameters)
    {
        sql = "";
        parameters = [];
        if (values["userId"] is not string userId || values["extension"] is not string extension
            || !EventTypes.TryParse(values["eventType"] as string, out var type)
            || values["eventId"] is not string eventId || !ObjectIds.IsEventId(eventId)
            || !ExtensionNumber.TryParse(extension, out var number))
        {
            return false;
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
                return false;
        }
        if (caller.Kind == AccountKind.User)
        {
            if (owner is not null && owner != caller.AccountId)
            {
                return false; // naming a colleague is an error; the full path says which
            }
            owner = caller.AccountId;
        }
        string extended;
        if (number.IsShort)
        {
            if (caller.OrganizationCode is null)
            {
                return false;
            }
            extended = number.Extended(caller.OrganizationCode);
        }
        else
        {
            extended = extension;
        }

        if (caller.Kind != AccountKind.Admin && caller.OrganizationId is null)
        {
            return false;
        }
        var admin = caller.Kind == AccountKind.Admin;
        // One SQL text per shape (admin or not, owner named or not): each is prepared once.
        sql = $"""
            DELETE FROM phone_call_events
            WHERE id = @p0 AND type = @p1 AND extension_id IN (
                SELECT e.id FROM extensions e
                JOIN accounts o ON o.id = e.owner_id
                JOIN accounts g ON g.id = e.organization_id
                LEFT JOIN accounts p ON p.id = g.parent_id
                LEFT JOIN accounts a ON a.id = p.parent_id
                WHERE e.number = @p2 AND e.type IN ({AllowedTypes})
                  AND NOT o.phone_call_events_denied AND NOT g.phone_call_events_denied
                  AND (p.id IS NULL OR NOT p.phone_call_events_denied)
                  AND (a.id IS NULL OR NOT a.phone_call_events_denied)
            """
            + (admin ? "" : " AND e.organization_id = @p3")
            + (owner is null ? "" : admin ? " AND e.owner_id = @p3" : " AND e.owner_id = @p4")
            + ") RETURNING id";
        parameters = (admin, owner) switch
        {
            (true, null) => [eventId, type, extended],
            (true, _) => [eventId, type, extended, owner],
            (false, null) => [eventId, type, extended, caller.OrganizationId],
            (false, _) => [eventId, type, extended, caller.OrganizationId, owner],
        };
        return true;
    }
}
