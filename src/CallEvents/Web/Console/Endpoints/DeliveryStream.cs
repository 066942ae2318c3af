using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CallEvents.Accounts;
using CallEvents.Dispatch.Attempts;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Web.Console.Session;
using Microsoft.AspNetCore.Http.Features;

namespace CallEvents.Web.Console.Endpoints;

/// <summary>
/// <c>…/deliveries/live</c>: the event's new delivery attempts as server-sent events
/// (<c>text/event-stream</c>; <c>id</c> is the attempt's place in the log, so a reconnecting
/// EventSource resumes after the last one it had, through Last-Event-ID). The log is read again
/// every <see cref="Interval"/>: attempts are recorded by whichever node sent them, and the
/// database is where they all meet. While it runs, the session's token is checked as on every
/// request, and the stream ends (<c>event: ended</c>) once it no longer holds. At most
/// <see cref="MaxPerAccount"/> streams per account at once, so that no tenant's open pages add
/// more than a bounded load on the database.
/// </summary>
public sealed class DeliveryStream(ExtensionAccess access, TokenValidationCache tokens, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public const int MaxPerAccount = 8;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public async Task<IResult> RunAsync(HttpContext http, string number, string type, string id)
    {
        var session = ConsoleSession.Of(http);
        var cancellationToken = http.RequestAborted;
        var route = await ExtensionEndpoints.RouteAsync(http, access, number, type, id);
        var db = http.RequestServices.GetRequiredService<CallEventsDb>();
        var eventId = await DeliveryLogApi.EventOfAsync(route, db, cancellationToken);
        var after = long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var resumed) ? resumed
            : long.TryParse(http.Request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var given) ? given : 0;

        var account = session.Caller.AccountId;
        if (_open.AddOrUpdate(account, 1, (_, n) => n + 1) > MaxPerAccount)
        {
            Release(account);
            return ConsoleErrors.Page(http, StatusCodes.Status429TooManyRequests, "Too many live views",
                $"At most {MaxPerAccount} delivery logs can be live at once for one account: close one and reload this page.");
        }
        try
        {
            var response = http.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-store";
            response.Headers["X-Accel-Buffering"] = "no"; // a reverse proxy must not hold the events back
            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await response.WriteAsync("retry: 3000\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            var quietSince = clock.GetUtcNow();
            while (!cancellationToken.IsCancellationRequested)
            {
                if (await tokens.ValidateTokenAsync(session.AccessToken, cancellationToken) is null)
                {
                    await response.WriteAsync("event: ended\ndata: signed-out\n\n", cancellationToken);
                    break;
                }
                var (entries, _) = await DeliveryLogApi.PageAsync(eventId, db, 0, DeliveryEndpoints.AttemptsShown, after, cancellationToken);
                foreach (var entry in entries.OrderBy(e => e.Seq))
                {
                    await response.WriteAsync($"id: {entry.Seq.ToString(CultureInfo.InvariantCulture)}\nevent: attempt\ndata: {JsonSerializer.Serialize(entry.Out, Json)}\n\n", cancellationToken);
                    after = entry.Seq;
                }
                var now = clock.GetUtcNow();
                if (entries.Count > 0)
                {
                    quietSince = now;
                }
                else if (now - quietSince >= KeepAlive)
                {
                    await response.WriteAsync(": still here\n\n", cancellationToken); // keeps idle proxies from closing the stream
                    quietSince = now;
                }
                await response.Body.FlushAsync(cancellationToken);
                await Task.Delay(Interval, clock, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The page was closed: nothing to answer.
        }
        finally
        {
            Release(account);
        }
        return Results.Empty;
    }

    private void Release(string account)
    {
        if (_open.AddOrUpdate(account, 0, (_, n) => n - 1) <= 0)
        {
            _open.TryRemove(new KeyValuePair<string, int>(account, 0));
        }
    }
}
