using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Uapi;
using CallEvents.Uapi.Declarations;

namespace CallEvents.PhoneCallEvents;

/// <summary>
/// <c>/uapi/extensions/{userId}/{extension}/phoneCallEvents[/{eventType}[/{eventId}]]</c>.
/// A method the resource lacks at a given depth (PUT without an id, POST with one) is answered
/// 405 request_not_allowed by routing and the error middleware. Each operation declares the
/// errors it may answer (<see cref="DeclaredErrors"/>), for the API reference.
/// </summary>
public static class PhoneCallEventsApi
{
    public const string Prefix = "/uapi/extensions/{userId}/{extension}/phoneCallEvents";

    /// <summary>Contract §4: what resolving <c>{userId}/{extension}</c> may answer, on every operation.</summary>
    private static readonly UapiError[] PathErrors = [UapiError.UserInvalid, UapiError.ExtensionInvalid, UapiError.PceAccessDenied];

    private static readonly UapiError[] BodyErrors = [UapiError.RequestTooLarge, UapiError.RequestInvalid];

    private static readonly UapiError[] FieldErrors =
        [UapiError.PceMethodInvalid, UapiError.PceUrlInvalid, UapiError.PceStatusInvalid, UapiError.PceNoteInvalid];

    private static readonly UapiError[] ListErrors =
    [
        UapiError.PceTypeInvalid, UapiError.CountInvalid, UapiError.StartIndexInvalid, UapiError.FilterByInvalid,
        UapiError.FilterOpInvalid, UapiError.FilterValueInvalid, UapiError.SortOrderInvalid, UapiError.FieldsInvalid,
    ];

    private static readonly DeclaredQuery[] ListQuery =
    [
        .. DeclaredQueryExtensions.Paging,
        new("filterBy", "Field to filter on: id, type, method, url, status, note or modified (case-sensitive).", Example: "url"),
        new("filterOp", "contains (default), equals, startsWith or present.", Example: "startsWith"),
        new("filterValue", "The value to compare with; required with filterBy unless filterOp=present; at most 2048 characters.", Example: "https://crm."),
        new("sortOrder", "ascending (default) or descending: by url, then id.", Example: "ascending"),
        new("fields", "Comma-separated fields to return (id is always returned).", Example: "id,url,status"),
    ];

    public static RouteGroupBuilder MapPhoneCallEvents(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(Prefix).RequireCaller().WithTags("PhoneCallEvents").Answers(PathErrors);

        group.MapGet("", ListPhoneCallEvents.HandleAsync).WithName("listPhoneCallEvents")
            .WithSummary("List the extension's phone call events").Answers(ListErrors).Reads(ListQuery);
        group.MapGet("/{eventType}", ListPhoneCallEvents.HandleAsync).WithName("listPhoneCallEventsOfType")
            .WithSummary("List the extension's phone call events of one type").Answers(ListErrors).Reads(ListQuery);
        group.MapGet("/{eventType}/{eventId}", ListPhoneCallEvents.HandleAsync).WithName("getPhoneCallEvent")
            .WithSummary("Get one phone call event (a collection of at most one)").Answers([.. ListErrors, UapiError.PceIdInvalid]).Reads(ListQuery);

        group.MapPost("", CreatePhoneCallEvent.HandleAsync).WithName("createPhoneCallEvent")
            .WithSummary("Create a phone call event").Takes<PhoneCallEventFields>("application/json")
            .Answers([UapiError.PcetTypeInvalid, .. BodyErrors, .. FieldErrors, UapiError.PceLimitExceeded]);
        group.MapPost("/{eventType}", CreatePhoneCallEvent.HandleAsync).WithName("createPhoneCallEventOfType")
            .WithSummary("Create a phone call event of the path's type").Takes<PhoneCallEventFields>("application/json")
            .Answers([UapiError.PcetTypeInvalid, .. BodyErrors, .. FieldErrors, UapiError.PceLimitExceeded]);

        group.MapPut("/{eventType}/{eventId}", UpdatePhoneCallEvent.HandleAsync).WithName("updatePhoneCallEvent")
            .WithSummary("Update a phone call event (only the fields sent)").Takes<PhoneCallEventFields>("application/json")
            .Answers([UapiError.PceTypeInvalid, UapiError.PceIdInvalid, .. BodyErrors, .. FieldErrors]);

        group.MapDelete("", DeletePhoneCallEvents.HandleAsync).WithName("deleteAllPhoneCallEvents")
            .WithSummary("Delete every phone call event of the extension");
        group.MapDelete("/{eventType}", DeletePhoneCallEvents.HandleAsync).WithName("deletePhoneCallEventsOfType")
            .WithSummary("Delete every phone call event of one type").Answers(UapiError.PceTypeInvalid);
        group.MapDelete("/{eventType}/{eventId}", DeletePhoneCallEvents.HandleAsync).WithName("deletePhoneCallEvent")
            .WithSummary("Delete one phone call event").Answers(UapiError.PceTypeInvalid, UapiError.PceIdInvalid);

        return group;
    }
}
