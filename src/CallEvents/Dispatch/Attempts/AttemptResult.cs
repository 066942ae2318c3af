using CallEvents.Dispatch.Sending;

namespace CallEvents.Dispatch.Attempts;

/// <summary>What one attempt came to, before the retry schedule is applied.</summary>
public sealed record AttemptResult(int? HttpStatus, string? Error, bool Succeeded, bool Retryable, TimeSpan? RetryAfter)
{
    /// <summary>
    /// Contract §9: any 2xx is success; 429 and 5xx are retried (honouring Retry-After); 410 and
    /// every other status are final, 3xx included, since redirects are not followed.
    /// </summary>
    public static AttemptResult FromResponse(HttpResponseMessage response, DateTimeOffset now)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return new AttemptResult(status, null, true, false, null);
        }
        if (status == 429 || status >= 500)
        {
            return new AttemptResult(status, $"HTTP {status}", false, true, ReadRetryAfter(response, now));
        }
        var error = status switch
        {
            410 => "HTTP 410: the receiver is gone; not retried.",
            >= 300 and < 400 => $"HTTP {status}: redirects are not followed.",
            _ => $"HTTP {status}",
        };
        return new AttemptResult(status, error, false, false, null);
    }

    public static AttemptResult FromException(Exception exception, bool timedOut)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is DestinationRefusedException refused)
            {
                return new AttemptResult(null, refused.Message, false, false, null);
            }
            if (e is TimeoutException timeout)
            {
                return new AttemptResult(null, timeout.Message, false, true, null);
            }
        }
        if (timedOut)
        {
            return new AttemptResult(null, "The request timed out.", false, true, null);
        }
        var innermost = exception;
        while (innermost.InnerException is not null)
        {
            innermost = innermost.InnerException;
        }
        return new AttemptResult(null, "Network error: " + innermost.Message, false, true, null);
    }

    private static TimeSpan? ReadRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }
        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }
        return null;
    }
}
