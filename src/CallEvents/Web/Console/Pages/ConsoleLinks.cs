using Microsoft.AspNetCore.WebUtilities;

namespace CallEvents.Web.Console.Pages;

/// <summary>The console's URLs, written once: every link and form action is built here.</summary>
public static class ConsoleLinks
{
    public static string Extensions(string? search = null, int start = 0)
    {
        var query = new Dictionary<string, string?>();
        if (!string.IsNullOrEmpty(search))
        {
            query["q"] = search;
        }
        if (start > 0)
        {
            query["start"] = start.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return QueryHelpers.AddQueryString("/console/extensions", query);
    }

    public static string Extension(string number) => "/console/extensions/" + Uri.EscapeDataString(number);

    public static string NewEvent(string number) => Extension(number) + "/events/new";

    public static string Events(string number) => Extension(number) + "/events";

    public static string Event(string number, int type, string id) => $"{Events(number)}/{type}/{Uri.EscapeDataString(id)}";

    public static string EditEvent(string number, int type, string id) => Event(number, type, id) + "/edit";

    public static string EventStatus(string number, int type, string id) => Event(number, type, id) + "/status";

    public static string Deliveries(string number, int type, string id) => Event(number, type, id) + "/deliveries";

    public static string LiveDeliveries(string number, int type, string id) => Deliveries(number, type, id) + "/live";

    public static string Replay(string number, int type, string id, string deliveryId) => $"{Deliveries(number, type, id)}/{Uri.EscapeDataString(deliveryId)}/replay";

    public static string TestCall(string number) => Extension(number) + "/test-call";

    /// <summary>The confirmation page of a delete: one event (type and id), every event of a type, or all (neither).</summary>
    public static string ConfirmDelete(string number, int? type = null, string? id = null)
    {
        var query = new Dictionary<string, string?>();
        if (type is { } t)
        {
            query["type"] = t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        if (id is not null)
        {
            query["id"] = id;
        }
        return QueryHelpers.AddQueryString(Extension(number) + "/delete", query);
    }

    public static string Delete(string number) => Extension(number) + "/delete";

    public static string Consents => "/console/consents";

    public static string RevokeConsent(string clientId) => $"{Consents}/{Uri.EscapeDataString(clientId)}/revoke";
}
