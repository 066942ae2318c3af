using CallEvents.Web.Console.Session;
using Microsoft.AspNetCore.Antiforgery;

namespace CallEvents.Web.Console.Pages;

/// <summary>What every console page is framed with: its title, the session (the bar's account and sign-out), and this answer's antiforgery token for its forms.</summary>
public sealed record PageChrome(string Title, ConsoleSession? Session, AntiforgeryTokenSet Form);
