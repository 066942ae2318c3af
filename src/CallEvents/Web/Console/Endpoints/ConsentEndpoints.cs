using CallEvents.OAuth.Consents;
using CallEvents.Web.Console.Pages;
using CallEvents.Web.Console.Session;
using Microsoft.AspNetCore.Authentication;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>The person's consents to apps, listed and revoked through the one place that keeps them (OAuth/Consents/ConsentRegistry).</summary>
public static class ConsentEndpoints
{
    public static void Map(RouteGroupBuilder console)
    {
        console.MapGet("/consents", async (HttpContext http, ConsentRegistry consents) =>
        {
            var list = await consents.ListAsync(ConsoleSession.Of(http).Caller.AccountId, http.RequestAborted);
            var notice = http.Request.Query["done"] == "revoked" ? "The consent was revoked." : null;
            return ConsolePage.Show<ConsentsPage>(http, "Consents", new ConsentsPage.View(list, notice));
        });
        console.MapPost("/consents/{clientId}/revoke", async (HttpContext http, string clientId, ConsentRegistry consents) =>
        {
            var account = ConsoleSession.Of(http).Caller.AccountId;
            if (!await consents.RevokeAsync(account, clientId, http.RequestAborted))
            {
                return ConsoleErrors.Page(http, StatusCodes.Status404NotFound, "Consent not found", "You have no consent to this app (it may have been revoked already).");
            }
            if (clientId == ConsoleClient.ClientId)
            {
                // The console's own consent: its tokens, this session's among them, are revoked.
                await http.SignOutAsync(ConsoleSetup.CookieScheme);
                return Results.Redirect(ConsoleSetup.Path + "?signedout=1");
            }
            return Results.Redirect(ConsoleLinks.Consents + "?done=revoked");
        });
    }
}
