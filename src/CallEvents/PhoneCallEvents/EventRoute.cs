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
    public static async Task<EventRoute> ResolveAsync(HttpContext context, ExtensionAccess access, UapiError? typeError = null)
    {
        var values = context.Request.RouteValues;
        var userId = values["userId"] as string ?? "";
        var extension = await access.ResolveAsync(context.Caller(), userId, values["extension"] as string ?? "", context.RequestAborted);

        int? type = null;
        if (values.TryGetValue("eventType", out var typeValue))
        {
            type = EventTypes.TryParse(typeValue as string, out var parsed) ? parsed : throw (typeError ?? UapiError.PceTypeInvalid).Exception();
        }
        string? eventId = null;
        if (values.TryGetValue("eventId", out var idValue))
        {
            eventId = ObjectIds.IsEventId(idValue as string) ? (string)idValue! : throw UapiError.PceIdInvalid.Exception();
        }
        return new EventRoute(extension, type, eventId, userId);
    }

    /// <summary><c>links.self</c>: repeats the userId form the request used (contract §6).</summary>
    public string SelfLink(HttpRequest request, int type, string id) =>
        $"{UapiLinks.Base(request)}/uapi/extensions/{UserId}/{Extension.Number}/phoneCallEvents/{type}/{id}";
}
