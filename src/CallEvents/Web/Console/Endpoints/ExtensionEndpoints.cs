using System.Globalization;
using CallEvents.Accounts;
using CallEvents.Dispatch.Intake;
using CallEvents.Dispatch.Queue;
using CallEvents.PhoneCallEvents;
using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.Storage.Sql;
using CallEvents.Uapi;
using CallEvents.Web.Console.Pages;
using CallEvents.Web.Console.Session;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>The list of extensions, one extension with its events, and its test call.</summary>
public static class ExtensionEndpoints
{
    public const int ExtensionsPerPage = 25;

    /// <summary>The console names extensions by their extended number through <c>@me</c>: in the person's context, whoever owns it (contract §4).</summary>
    public const string UserId = "@me";

    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/extensions", ListAsync);
        console.MapGet("/extensions/{number}", ShowAsync);
        console.MapPost("/extensions/{number}/test-call", TestCallAsync);
    }

    private static async Task<IResult> ListAsync(HttpContext http, ManageableExtensions extensions)
    {
        var search = http.Request.Query["q"].ToString();
        search = search.Length > 100 ? search[..100] : search;
        var start = int.TryParse(http.Request.Query["start"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s <= 1_000_000 ? s : 0;
        var (rows, total) = await extensions.ListAsync(ConsoleSession.Of(http).Caller, search, start, ExtensionsPerPage, http.RequestAborted);
        return ConsolePage.Show<ExtensionsPage>(http, "Extensions", new ExtensionsPage.View(rows, total, start, ExtensionsPerPage, search));
    }

    /// <summary>The extension, found as the API finds it for this caller (another tenant's: not found).</summary>
    public static Task<EventRoute> RouteAsync(HttpContext http, ExtensionAccess access, string number, string? type = null, string? id = null) =>
        EventRoute.ResolveAsync(ConsoleSession.Of(http).Caller, UserId, number, type, id, access, http.RequestAborted);

    /// <summary>Every event of a route (one, a type, all), as the API lists them: by URL.</summary>
    public static Task<(List<PhoneCallEvent> Events, int Total)> EventsAsync(EventRoute route, PreparedSql sql, CancellationToken cancellationToken) =>
        ListPhoneCallEvents.ListAsync(route, new ListQuery(new PageRequest(PageRequest.MaxCount, 0), null, FilterOp.Contains, null, false, FieldSelection.All),
            sql, cancellationToken);

    private static async Task<IResult> ShowAsync(HttpContext http, string number, ExtensionAccess access, PreparedSql sql)
    {
        var route = await RouteAsync(http, access, number);
        var (events, total) = await EventsAsync(route, sql, http.RequestAborted);
        var types = events.Select(e => e.Type).Distinct().Order().ToList();
        return ConsolePage.Show<ExtensionPage>(http, $"Extension {route.Extension.Number}",
            new ExtensionPage.View(route.Extension.Number, events, total, types, Notice(http.Request)));
    }

    /// <summary>What the last action did, from a fixed list (a redirect's query never puts its own words on the page).</summary>
    public static string? Notice(HttpRequest request)
    {
        var n = int.TryParse(request.Query["n"], NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 0;
        var plural = n == 1 ? "" : "s";
        return request.Query["done"].ToString() switch
        {
            "created" => "The phone call event was added.",
            "updated" => "The phone call event was saved.",
            "enabled" => "The phone call event was enabled.",
            "disabled" => "The phone call event was disabled: its calls are no longer delivered.",
            "deleted" => $"{n} phone call event{plural} deleted.",
            "test-call" => $"Test call placed: {n} deliver{(n == 1 ? "y" : "ies")} queued.",
            "replayed" => "The delivery was queued again.",
            _ => null,
        };
    }

    /// <summary>Ends with how an answered or unanswered call ends (the hangup's CallStatus).</summary>
    private static readonly string[] Outcomes = ["ANSWER", "NOANSWER", "BUSY"];

    /// <summary>
    /// A simulated incoming call to the extension, reported through the intake's own path (one
    /// transaction, the sender woken) once the caller is found allowed to manage the extension;
    /// the hooks' destination rules apply to its deliveries as to any other.
    /// </summary>
    private static async Task<IResult> TestCallAsync(HttpContext http, string number, ExtensionAccess access,
        WriteBatches writes, DeliverySignal signal, TimeProvider clock)
    {
        var route = await RouteAsync(http, access, number);
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var outcome = ConsoleForms.Field(form, "outcome");
        if (outcome is null || !Outcomes.Contains(outcome))
        {
            return ConsoleErrors.Page(http, StatusCodes.Status400BadRequest, "Test call refused", "Choose how the test call ends: answered, not answered or busy.");
        }
        var extension = route.Extension.Number;
        var callId = "console-" + ObjectIds.NewId(16);
        var now = clock.GetUtcNow();
        CallEventReport Report(string kind, string status, int second) =>
            new(callId, kind, extension, "0000", "Console test call", "", extension, "", extension, status, now.AddSeconds(second));
        List<CallEventReport> reports = [Report(CallEventKinds.DialIn, "CALLING", 0)];
        if (outcome == "ANSWER")
        {
            reports.Add(Report(CallEventKinds.AnswerIn, "ANSWER", 1));
        }
        reports.Add(Report(CallEventKinds.Hangup, outcome, 2));
        var queued = await CallEventIntake.QueueReportsAsync(reports, writes, signal, clock);
        return Results.Redirect(ConsoleLinks.Extension(extension) + $"?done=test-call&n={queued}");
    }
}
