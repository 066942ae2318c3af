using System.Text.Json.Nodes;
using CallEvents.PhoneCallEvents.Wire;
using Microsoft.AspNetCore.Antiforgery;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>The console's forms: every POST carries this site's antiforgery token, checked before anything else is read or done.</summary>
public static class ConsoleForms
{
    public static async ValueTask<object?> RequireTokenAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsPost(http.Request.Method))
        {
            return await next(context);
        }
        bool valid;
        try
        {
            valid = http.Request.HasFormContentType && await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
        }
        catch (Exception exception) when (exception is InvalidDataException or BadHttpRequestException or IOException && !http.RequestAborted.IsCancellationRequested)
        {
            valid = false; // a form it cannot read: refused as one without a token
        }
        return valid
            ? await next(context)
            : ConsoleErrors.Page(http, StatusCodes.Status400BadRequest, "Form refused",
                "This form did not come from a console page of this server, or the page was too old. Nothing was changed: reload the page and send the form again.");
    }

    /// <summary>A field sent once, or null (absent, or sent more than once: then it is as if it were missing).</summary>
    public static string? Field(IFormCollection form, string name) => form.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    /// <summary>
    /// The form as the API's body: the same reader (<see cref="PhoneCallEventInput"/>) and so the
    /// same checks and error codes as a JSON request. An empty note is no note on a create and
    /// removes the note on an update; fields not in the form are not in the body.
    /// </summary>
    public static PhoneCallEventInput EventInput(IFormCollection form, params string[] fields)
    {
        var body = new JsonObject();
        foreach (var name in fields)
        {
            var value = Field(form, name);
            if (name == "note")
            {
                body["note"] = string.IsNullOrEmpty(value) ? null : value;
            }
            else if (value is not null)
            {
                body[name] = value;
            }
        }
        using var document = System.Text.Json.JsonDocument.Parse(body.ToJsonString());
        return PhoneCallEventInput.Parse(document.RootElement);
    }
}
