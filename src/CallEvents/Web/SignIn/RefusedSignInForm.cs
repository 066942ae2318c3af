using CallEvents.OAuth.Authorization;

namespace CallEvents.Web.SignIn;

/// <summary>
/// A sign-in form whose antiforgery token is missing or no longer valid (a stale tab, a forged
/// post) is refused by the Razor components endpoint with a bare 400 and an empty page. A person
/// gets a page that says what happened and what to do instead; nothing else about the answer
/// changes (still 400, nobody signed in).
/// </summary>
public sealed class RefusedSignInForm(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals("/oauth/signin", StringComparison.OrdinalIgnoreCase)
            && context.Response.StatusCode == StatusCodes.Status400BadRequest && !context.Response.HasStarted)
        {
            context.Response.Clear(); // the refused render's headers (it began a page) go with it
            await AuthorizationEndpoint.ErrorPage(StatusCodes.Status400BadRequest, "Sign-in form refused",
                "This sign-in form has expired or did not come from this server. Go back to the app and start signing in again.", code: null)
                .ExecuteAsync(context);
        }
    }
}
