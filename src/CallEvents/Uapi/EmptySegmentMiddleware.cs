using CallEvents.Accounts;

namespace CallEvents.Uapi;

/// <summary>
/// Routing cannot bind an empty segment, so <c>/uapi/extensions/@me//phoneCallEvents</c> (an
/// empty extension) or <c>…/phoneCallEvents//{eventId}</c> (an empty type) would match no route
/// and be answered 501. The contract wants the codes of the missing part instead, in its order:
/// the token first, then userId, extension, eventType. Runs only when no endpoint matched.
/// </summary>
public sealed class EmptySegmentMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, ExtensionAccess access)
    {
        if (context.GetEndpoint() is not null || !IsResourceWithEmptySegment(context.Request.Path, out var segments))
        {
            await next(context);
            return;
        }
        var caller = await CallerFilter.AuthenticateAsync(context);
        // Throws user_invalid or extension_invalid when one of them is the empty part.
        await access.ResolveAsync(caller, segments[2], segments[3], context.RequestAborted);
        throw (HttpMethods.IsPost(context.Request.Method) ? UapiError.PcetTypeInvalid : UapiError.PceTypeInvalid).Exception();
    }

    /// <summary><c>uapi/extensions/{userId}/{extension}/phoneCallEvents[/{eventType}/{eventId}]</c> with userId, extension or eventType empty.</summary>
    private static bool IsResourceWithEmptySegment(PathString path, out string[] segments)
    {
        segments = [];
        if (!path.StartsWithSegments("/uapi/extensions", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        segments = path.Value!.TrimStart('/').TrimEnd('/').Split('/');
        if (segments.Length < 5 || segments.Length > 7 || segments[4] != "phoneCallEvents")
        {
            return false;
        }
        return segments[2].Length == 0 || segments[3].Length == 0 || (segments.Length >= 7 && segments[5].Length == 0);
    }
}
