namespace CallEvents.Hosting;

/// <summary>
/// ASP.NET Core's authentication middleware on some requests only, through the one private
/// detail of a library that the pipeline relies on (check it on every upgrade): WebApplication puts
/// <c>UseAuthentication()</c> at the head of the pipeline unless the app called it on the
/// pipeline itself, and a call inside a <c>UseWhen</c> branch does not count; so this sets the
/// flag that <c>UseAuthentication()</c> sets (AuthAppBuilderExtensions, ASP.NET Core 10). A
/// test fails if that stops working (tests/CallEvents.Tests/Hosting/BranchedAuthenticationTests.cs).
///
/// The public way, <c>UseAuthentication()</c> on the pipeline with a handler provider that has no
/// handlers off the branch, was measured: ~0.5 µs and ~350 bytes more on every other request
/// (the middleware runs, and finds nothing to do). This costs one predicate call.
/// </summary>
public static class BranchedAuthentication
{
    /// <summary>Set by <c>UseAuthentication()</c>; read by WebApplication before it adds its own.</summary>
    private const string AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";

    public static IApplicationBuilder UseAuthenticationOnlyFor(this IApplicationBuilder app, Func<HttpContext, bool> predicate)
    {
        app.UseWhen(predicate, branch => branch.UseAuthentication());
        app.Properties[AuthenticationMiddlewareSet] = true;
        return app;
    }
}
