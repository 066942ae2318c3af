using System.Net;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// A URL host that is an IP address, in every spelling that reaches the address. <see cref="Uri"/>
/// folds the legacy IPv4 forms (<c>0x7f.1</c>, <c>2130706433</c>, <c>0177.0.0.1</c>) into dotted
/// form, but a trailing dot makes any of them a name to it (<c>127.0.0.1.</c>, <c>0x7f.1.</c>),
/// which a resolver may still answer with the address. Such a host is judged as the address, at
/// registration and at connect time, and never looked up.
/// </summary>
public static class HostLiteral
{
    public static bool TryParse(string host, out IPAddress address)
    {
        var text = host.AsSpan();
        if (text is ['[', .., ']'])
        {
            text = text[1..^1];
        }
        else if (text is [.., '.'])
        {
            text = text[..^1];
        }
        var parsed = IPAddress.TryParse(text, out var literal);
        address = literal ?? IPAddress.None;
        return parsed;
    }
}
