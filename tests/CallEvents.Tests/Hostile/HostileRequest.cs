using System.Text;

namespace CallEvents.Tests.Hostile;

/// <summary>Which answers a request may get: what the contract documents for the route it aims at.</summary>
public enum RouteKind
{
    /// <summary><c>/uapi</c> and <c>/pbx</c>: the UAPI envelope with a documented code and its status.</summary>
    Uapi,

    /// <summary><c>/oauth/token(.php)</c>: RFC 6749 JSON.</summary>
    Token,

    /// <summary>
    /// The server's pages (the authorization endpoint, its sign-in, the console): an HTML page or
    /// an empty answer, with a page's status (a redirect, a refusal, a throttle), never a 5xx.
    /// </summary>
    Page,

    /// <summary>Anything else: no 500; a bare 404 or 405 is allowed there.</summary>
    Other,
}

/// <summary>
/// One generated request, as sent: <see cref="Target"/> is the raw request target (path and
/// query, percent-encodings as generated), <see cref="Headers"/> go out as written.
/// </summary>
public sealed record HostileRequest(
    RouteKind Kind, string Method, string Target, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[]? Body, int ChunkSize,
    bool KestrelMayRefuse)
{
    /// <summary>What CsCheck prints for a failing case: enough to send it again by hand.</summary>
    public override string ToString()
    {
        var text = new StringBuilder().Append(Kind).Append(' ').Append(Method).Append(' ').Append(Target.Length > 300 ? Target[..300] + $"…({Target.Length})" : Target);
        foreach (var (name, value) in Headers)
        {
            text.Append(" | ").Append(name).Append(": ").Append(value.Length > 80 ? value[..80] + $"…({value.Length})" : value);
        }
        if (Body is not null)
        {
            var body = Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, 300));
            text.Append(" | body(").Append(Body.Length).Append(ChunkSize > 0 ? $", chunks of {ChunkSize}" : "").Append("): ").Append(body);
        }
        return text.ToString();
    }
}
