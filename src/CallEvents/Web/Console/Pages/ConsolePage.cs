using CallEvents.Web.Console.Session;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallEvents.Web.Console.Pages;

/// <summary>Renders a console page: a component with its <see cref="PageChrome"/> and its view model, rendered statically on the server.</summary>
public sealed class ConsolePage
{
    private ConsolePage()
    {
    }

    public static IResult Show<TPage>(HttpContext http, string title, object? view = null, int status = StatusCodes.Status200OK)
        where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        var form = http.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var parameters = new Dictionary<string, object?> { ["Chrome"] = new PageChrome(title, ConsoleSession.Known(http), form) };
        if (view is not null)
        {
            parameters["Model"] = view;
        }
        return new RazorComponentResult<TPage>(parameters) { StatusCode = status };
    }
}
