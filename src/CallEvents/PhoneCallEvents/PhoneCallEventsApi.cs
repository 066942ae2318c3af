using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents;

/// <summary>
/// <c>/uapi/extensions/{userId}/{extension}/phoneCallEvents[/{eventType}[/{eventId}]]</c>.
/// A method the resource lacks at a given depth (PUT without an id, POST with one) is answered
/// 405 request_not_allowed by routing and the error middleware.
/// </summary>
public static class PhoneCallEventsApi
{
    public const string Prefix = "/uapi/extensions/{userId}/{extension}/phoneCallEvents";

    public static RouteGroupBuilder MapPhoneCallEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix).RequireCaller().WithTags("PhoneCallEvents");

        group.MapGet("", ListPhoneCallEvents.HandleAsync);
        group.MapGet("/{eventType}", ListPhoneCallEvents.HandleAsync);
        group.MapGet("/{eventType}/{eventId}", ListPhoneCallEvents.HandleAsync);

        group.MapPost("", CreatePhoneCallEvent.HandleAsync);
        group.MapPost("/{eventType}", CreatePhoneCallEvent.HandleAsync);

        group.MapPut("/{eventType}/{eventId}", UpdatePhoneCallEvent.HandleAsync);

        group.MapDelete("", DeletePhoneCallEvents.HandleAsync);
        group.MapDelete("/{eventType}", DeletePhoneCallEvents.HandleAsync);
        group.MapDelete("/{eventType}/{eventId}", DeletePhoneCallEvents.HandleAsync);

        return group;
    }
}
