using CallEvents.Accounts;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Handlers;

/// <summary>
/// What a phoneCallEvents URI names when a one-round-trip path may answer it (the single delete
/// and an update; get, and on PostgreSQL a list's first page too: <see cref="OneStatementReads"/>): the plain
/// case of its <c>{userId}/{extension}</c> (<see cref="ExtensionScope.TryPlain"/>) and, when the
/// URI names one, a well-formed event (<c>{eventType}/{eventId}</c>, both). Anything else is the
/// full path's (<see cref="EventRoute.ResolveAsync(HttpContext, ExtensionAccess, UapiError?)"/>),
/// which answers it with the documented error in the documented order.
/// </summary>
internal readonly record struct PlainRoute(string UserId, ExtensionScope Scope, string Extended, int? Type, string? EventId)
{
    public static bool TryRead(Caller caller, RouteValueDictionary values, out PlainRoute route)
    {
        route = default;
        if (values["userId"] is not string userId || values["extension"] is not string extension)
        {
            return false;
        }
        int? type = null;
        string? eventId = null;
        if (values.TryGetValue("eventType", out var typeValue))
        {
            // A type without an id is a list of that type, whose totalResults needs a count of its own: the full path's.
            if (!EventTypes.TryParse(typeValue as string, out var parsed) || values["eventId"] is not string id || !ObjectIds.IsEventId(id))
            {
                return false;
            }
            type = parsed;
            eventId = id;
        }
        if (!ExtensionScope.TryPlain(caller, userId, extension, out var scope, out var extended))
        {
            return false;
        }
        route = new PlainRoute(userId, scope, extended, type, eventId);
        return true;
    }
}
