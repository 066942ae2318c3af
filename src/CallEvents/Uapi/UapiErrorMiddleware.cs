using CallEvents.Storage;
using Microsoft.AspNetCore.Connections;

namespace CallEvents.Uapi;

/// <summary>
/// The single place where failures become the UAPI error envelope. Client mistakes come as
/// <see cref="UapiException"/>; anything else is logged with its details and answered as a bare
/// 500 that shows no internals. Empty 404/405/413 answers from routing and Kestrel get the
/// envelope too, so a client never sees a body that is not JSON.
/// </summary>
public sealed class UapiErrorMiddleware(RequestDelegate next, ILogger<UapiErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (UapiException exception) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            if (exception.Error.Status == StatusCodes.Status401Unauthorized)
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
            }
            await UapiJson.WriteErrorAsync(context, exception.Error);
            return;
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            await UapiJson.WriteErrorAsync(context, exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? UapiError.RequestTooLarge
                : UapiError.RequestInvalid);
            return;
        }
        catch (Exception exception) when (ClientWentAway(context, exception))
        {
            // There is no one to answer, and nothing to log, or any client could write stack traces
            // at will. Aborting tells Kestrel not to drain a body whose connection is gone (which it
            // would log as an error of its own).
            context.Abort();
            return;
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            var error = DatabaseFaults.IsUnavailable(exception) ? UapiError.ServiceUnavailable : UapiError.InternalServerError;
            logger.LogError(exception, "Unhandled failure on {Method} {Path}", context.Request.Method, context.Request.Path);
            context.Response.Clear();
            if (error.Status == 503)
            {
                context.Response.Headers.RetryAfter = "5";
            }
            await UapiJson.WriteErrorAsync(context, error);
            return;
        }

        if (context.Response.HasStarted || context.Response.ContentLength is > 0 || context.Response.ContentType is not null)
        {
            return;
        }
        var empty = context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => UapiError.RequestNotImplemented,
            StatusCodes.Status405MethodNotAllowed => UapiError.RequestNotAllowed,
            StatusCodes.Status413PayloadTooLarge => UapiError.RequestTooLarge,
            StatusCodes.Status415UnsupportedMediaType => UapiError.RequestInvalid,
            _ => null,
        };
        if (empty is not null && UapiLinks.IsApiPath(context.Request.Path))
        {
            await UapiJson.WriteErrorAsync(context, empty!);
        }
    }

    /// <summary>
    /// The client reset its connection (a read of its body throws ConnectionResetException, at
    /// times before RequestAborted is signalled) or the request was aborted while it was served.
    /// </summary>
    private static bool ClientWentAway(HttpContext context, Exception exception) =>
        exception is ConnectionResetException
        || ((exception is OperationCanceledException or IOException) && context.RequestAborted.IsCancellationRequested);
}
