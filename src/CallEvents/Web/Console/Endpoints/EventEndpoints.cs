using System.Globalization;
using CallEvents.Accounts;
using CallEvents.Dispatch.Destinations;
using CallEvents.PhoneCallEvents;
using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using CallEvents.Web.Console.Pages;
using Microsoft.Extensions.Options;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>
/// Add, edit, enable or disable, and delete phone call events: each through the API's own
/// create, update and delete (PhoneCallEvents/Handlers), on the route the API would resolve for
/// the same caller, so every check and error is the API's.
/// </summary>
public static class EventEndpoints
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/extensions/{number}/events/new", NewAsync);
        console.MapPost("/extensions/{number}/events", CreateAsync);
        console.MapGet("/extensions/{number}/events/{type}/{id}/edit", EditAsync);
        console.MapPost("/extensions/{number}/events/{type}/{id}", UpdateAsync);
        console.MapPost("/extensions/{number}/events/{type}/{id}/status", SetStatusAsync);
        console.MapGet("/extensions/{number}/delete", ConfirmDeleteAsync);
        console.MapPost("/extensions/{number}/delete", DeleteAsync);
    }

    private static readonly Dictionary<string, string> NoErrors = [];

    private static async Task<IResult> NewAsync(HttpContext http, string number, ExtensionAccess access)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number);
        var type = EventTypes.TryParse(http.Request.Query["type"].ToString(), out var t) ? t.ToString(CultureInfo.InvariantCulture) : "0";
        return Form(http, new EventFormPage.View(route.Extension.Number, ConsoleLinks.Events(route.Extension.Number), null, type, "1", "", "1", null, NoErrors));
    }

    private static async Task<IResult> CreateAsync(HttpContext http, string number, ExtensionAccess access, PreparedSql sql, WriteBatches writes,
        DestinationPolicy destinations, IOptions<PhoneCallEventsOptions> options, TimeProvider clock)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        try
        {
            await CreatePhoneCallEvent.CreateAsync(route, ConsoleForms.EventInput(form, "type", "method", "url", "status", "note"), null,
                sql, writes, destinations, options.Value, clock, http.RequestAborted);
        }
        catch (UapiException refused) when (FieldOf(refused.Error) is { } field)
        {
            return Form(http, Sent(route.Extension.Number, ConsoleLinks.Events(route.Extension.Number), null, form, ConsoleForms.Field(form, "type") ?? ""),
                field, refused.Error);
        }
        return Results.Redirect(ConsoleLinks.Extension(route.Extension.Number) + "?done=created");
    }

    private static async Task<IResult> EditAsync(HttpContext http, string number, string type, string id, ExtensionAccess access, PreparedSql sql)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, type, id);
        var pce = await OneAsync(route, sql, http.RequestAborted);
        return Form(http, new EventFormPage.View(route.Extension.Number, ConsoleLinks.Event(route.Extension.Number, pce.Type, pce.Id), pce.Id,
            Digit(pce.Type), Digit(pce.Method), pce.Url, Digit(pce.Status), pce.Note, NoErrors));
    }

    private static async Task<IResult> UpdateAsync(HttpContext http, string number, string type, string id, ExtensionAccess access,
        WriteBatches writes, DestinationPolicy destinations, TimeProvider clock)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, type, id);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        try
        {
            await UpdatePhoneCallEvent.UpdateAsync(route, ConsoleForms.EventInput(form, "method", "url", "status", "note"), writes, destinations, clock, http.RequestAborted);
        }
        catch (UapiException refused) when (FieldOf(refused.Error) is { } field)
        {
            return Form(http, Sent(route.Extension.Number, ConsoleLinks.Event(route.Extension.Number, route.Type!.Value, id), id, form, Digit(route.Type!.Value)),
                field, refused.Error);
        }
        return Results.Redirect(ConsoleLinks.Extension(route.Extension.Number) + "?done=updated");
    }

    /// <summary>Enable or disable: an update of the status alone (contract §7: 1 enabled, 0 disabled).</summary>
    private static async Task<IResult> SetStatusAsync(HttpContext http, string number, string type, string id, ExtensionAccess access,
        WriteBatches writes, DestinationPolicy destinations, TimeProvider clock)
    {
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, type, id);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var pce = await UpdatePhoneCallEvent.UpdateAsync(route, ConsoleForms.EventInput(form, "status"), writes, destinations, clock, http.RequestAborted);
        return Results.Redirect(ConsoleLinks.Extension(route.Extension.Number) + (pce.Status == 1 ? "?done=enabled" : "?done=disabled"));
    }

    /// <summary>The confirmation: one event (type and id), every event of a type (type), or all of them (neither), counted by type.</summary>
    private static async Task<IResult> ConfirmDeleteAsync(HttpContext http, string number, ExtensionAccess access, PreparedSql sql)
    {
        var (type, id) = (NullIfEmpty(http.Request.Query["type"]), NullIfEmpty(http.Request.Query["id"]));
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, id is null ? type : type ?? "", id);
        var (events, total) = await ExtensionEndpoints.EventsAsync(route, sql, http.RequestAborted);
        if (route.EventId is not null && total == 0)
        {
            throw UapiError.PceIdInvalid.Exception();
        }
        var byType = events.GroupBy(e => e.Type).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
        var extension = route.Extension.Number;
        var (title, what) = (route.Type, route.EventId) switch
        {
            (_, not null) => ("Delete this phone call event?", $"extension {extension}"),
            ({ } t, null) => ($"Delete every {ConsoleText.EventType(t)} event?", $"extension {extension}, type {ConsoleText.EventType(t)}"),
            _ => ("Delete all phone call events?", $"extension {extension}"),
        };
        return ConsolePage.Show<DeleteConfirmPage>(http, title, new DeleteConfirmPage.View(extension, route.Type, route.EventId, what, total, byType));
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, string number, ExtensionAccess access, WriteBatches writes)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var (type, id) = (NullIfEmpty(ConsoleForms.Field(form, "type")), NullIfEmpty(ConsoleForms.Field(form, "id")));
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, id is null ? type : type ?? "", id);
        var deleted = await DeletePhoneCallEvents.DeleteAsync(route, writes);
        return Results.Redirect(ConsoleLinks.Extension(route.Extension.Number) + $"?done=deleted&n={deleted.Count}");
    }

    private static async Task<PhoneCallEvent> OneAsync(EventRoute route, PreparedSql sql, CancellationToken cancellationToken)
    {
        var (events, _) = await ExtensionEndpoints.EventsAsync(route, sql, cancellationToken);
        return events.Count == 1 ? events[0] : throw UapiError.PceIdInvalid.Exception();
    }

    /// <summary>The form field a refusal of the API's create or update is about; null for one that is not a field's (those are pages).</summary>
    private static string? FieldOf(UapiError error) =>
        error == UapiError.PcetTypeInvalid ? "type"
        : error == UapiError.PceMethodInvalid ? "method"
        : error == UapiError.PceUrlInvalid ? "url"
        : error == UapiError.PceStatusInvalid ? "status"
        : error == UapiError.PceNoteInvalid ? "note"
        : error == UapiError.PceLimitExceeded ? "form"
        : null;

    private static EventFormPage.View Sent(string number, string action, string? id, IFormCollection form, string type) =>
        new(number, action, id, type, ConsoleForms.Field(form, "method") ?? "", ConsoleForms.Field(form, "url") ?? "",
            ConsoleForms.Field(form, "status") ?? "", ConsoleForms.Field(form, "note"), NoErrors);

    private static IResult Form(HttpContext http, EventFormPage.View view, string? field = null, UapiError? error = null)
    {
        var title = view.EventId is null ? $"Add a phone call event to {view.Number}" : $"Edit a phone call event of {view.Number}";
        if (field is null)
        {
            return ConsolePage.Show<EventFormPage>(http, title, view);
        }
        return ConsolePage.Show<EventFormPage>(http, title, view with { Errors = new Dictionary<string, string> { [field] = error!.Message } },
            StatusCodes.Status400BadRequest);
    }

    private static string Digit(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
