using CallEvents.Dispatch.Attempts;
using CallEvents.Storage;
using CallEvents.Uapi;
using CallEvents.Web.Console.Pages;

namespace CallEvents.Web.Console;

/// <summary>
/// The console's failures as HTML pages (the UAPI's JSON envelope is for /uapi and /pbx). The API's
/// answers keep their meaning: another tenant's extension, like a missing one, is "not found"
/// with nothing that tells them apart; an extension in the person's context that they may not
/// manage is "not allowed". Anything unexpected is logged and answered with a page that shows
/// no internals.
/// </summary>
public static class ConsoleErrors
{
    public static async ValueTask<object?> AsPagesAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        try
        {
            return await next(context);
        }
        catch (UapiException exception)
        {
            return For(http, exception.Error);
        }
        catch (Exception exception) when (!http.RequestAborted.IsCancellationRequested && !http.Response.HasStarted)
        {
            var unavailable = DatabaseFaults.IsUnavailable(exception);
            http.RequestServices.GetRequiredService<ILogger<ConsolePage>>()
                .LogError(exception, "Unhandled failure on {Method} {Path}", http.Request.Method, http.Request.Path);
            return unavailable
                ? Page(http, StatusCodes.Status503ServiceUnavailable, "Unavailable", "The database cannot be reached just now. Try again in a few seconds.")
                : Page(http, StatusCodes.Status500InternalServerError, "Something went wrong", "The server could not complete the request. Nothing you sent was shown to anyone else.");
        }
    }

    /// <summary>The page of an error the API would have answered (its meaning, not its JSON).</summary>
    public static IResult For(HttpContext http, UapiError error)
    {
        if (error == UapiError.UserInvalid || error == UapiError.ExtensionInvalid)
        {
            return Page(http, StatusCodes.Status404NotFound, "Extension not found", "There is no such extension among the ones you may manage.");
        }
        if (error == UapiError.PceAccessDenied)
        {
            return Page(http, StatusCodes.Status403Forbidden, "Not allowed", "You are not allowed to manage the phone call events of this extension.");
        }
        if (error == UapiError.PceIdInvalid || error == UapiError.PceTypeInvalid || error == UapiError.PcetTypeInvalid)
        {
            return Page(http, StatusCodes.Status404NotFound, "Event not found", "This extension has no such phone call event (it may have been deleted).");
        }
        if (error == DeliveryLogApi.DeliveryIdInvalid)
        {
            return Page(http, StatusCodes.Status404NotFound, "Delivery not found", "This event has no such delivery.");
        }
        return Page(http, error.Status, "Request refused", error.Message);
    }

    public static IResult NotFound(HttpContext http) =>
        Page(http, StatusCodes.Status404NotFound, "Page not found", "There is no such page in the console.");

    public static IResult Page(HttpContext http, int status, string title, string message) =>
        ConsolePage.Show<ErrorPage>(http, title, new ErrorPage.View(message), status);
}
