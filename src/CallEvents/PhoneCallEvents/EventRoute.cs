using CallEvents.Accounts;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents;

/// <summary>
/// What a <c>/uapi/extensions/{userId}/{extension}/phoneCallEvents[/{eventType}[/{eventId}]]</c>
/// URI names, once the caller has been found allowed to manage that extension.
/// </summary>
public sealed record EventRoute(ManagedExtension Extension, int? Type, string? EventId, string UserId)
{
    /// <summary>Resolves the route; a bad type is <paramref name="typeError"/>: pcet_type_invalid on Create (as documented there), pce_type_invalid elsewhere.</summary>
    public static Task<EventRoute> ResolveAsync(HttpContext context, ExtensionAccess access, UapiError? typeError = null)
    {
        var values = context.Request.RouteValues;
        return ResolveAsync(context.Caller(), values["userId"] as string ?? "", values["extension"] as string ?? "",
            values.TryGetValue("eventType", out var type) ? type as string ?? "" : null,
            values.TryGetValue("eventId", out var id) ? id as string ?? "" : null,
            access, context.RequestAborted, typeError);
    }

    /// <summary>
    /// The same resolution for a caller known otherwise (the console's session: Web/Console):
    /// <paramref name="eventType"/> and <paramref name="eventId"/> are null when the URI has no
    /// such segment.
    /// </summary>
    public static async Task<EventRoute> ResolveAsync(Caller caller, string userId, string extension, string? eventType, string? eventId,
        ExtensionAccess access, CancellationToken cancellationToken, UapiError? typeError = null)
    {
        var managed = await access.ResolveAsync(caller, userId, extension, cancellationToken);
        int? type = null;
        if (eventType is not null)
        {
            type = EventTypes.TryParse(eventType, out var parsed) ? parsed : throw (typeError ?? UapiError.PceTypeInvalid).Exception();
        }
        if (eventId is not null && !ObjectIds.IsEventId(eventId))
        {
            throw UapiError.PceIdInvalid.Exception();
        }
        return new EventRoute(managed, type, eventId, userId);
    }

    /// <summary><c>links.self</c>: repeats the userId form the request used (contract §6).</summary>
    public string SelfLink(HttpRequest request, int type, string id) => SelfLink(UapiLinks.Base(request), type, id);

    /// <summary><c>links.self</c> on a base already found for this request (<see cref="UapiLinks.Base"/>: a page of events has one).</summary>
    public string SelfLink(string linkBase, int type, string id) =>
        $"{linkBase}/uapi/extensions/{UserId}/{Extension.Number}/phoneCallEvents/{type}/{id}";
}
