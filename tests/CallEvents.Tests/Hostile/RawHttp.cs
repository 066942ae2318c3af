using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// HTTP/1.1 written by hand, one request per loopback connection: HttpClient would repair what
/// these tests mean to send broken (the request target, the framing of the body, the headers).
/// </summary>
public static class RawHttp
{
    public sealed record Response(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    {
        public string Text => Encoding.UTF8.GetString(Body);

        public string? ContentType => Headers.GetValueOrDefault("content-type");

        public override string ToString() => $"{Status} {ContentType} {(Text.Length > 300 ? Text[..300] + "…" : Text)}";
    }

    /// <summary>A request as bytes: the request line, Host, <c>Connection: close</c>, the headers as given, the body as Content-Length or in chunks.</summary>
    public static byte[] Request(Uri server, string method, string target, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body, int chunkSize = 0)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"{method} {target} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }
        var bytes = new List<byte>();
        if (body is not null && chunkSize > 0)
        {
            head.Append("Transfer-Encoding: chunked\r\n\r\n");
            bytes.AddRange(Encoding.Latin1.GetBytes(head.ToString()));
            for (var offset = 0; offset < body.Length; offset += chunkSize)
            {
                var length = Math.Min(chunkSize, body.Length - offset);
                bytes.AddRange(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
                bytes.AddRange(body.AsSpan(offset, length).ToArray());
                bytes.AddRange("\r\n"u8.ToArray());
            }
            bytes.AddRange("0\r\n\r\n"u8.ToArray());
            return [.. bytes];
        }
        if (body is not null)
        {
            head.Append(CultureInfo.InvariantCulture, $"Content-Length: {body.Length}\r\n");
        }
        head.Append("\r\n");
        bytes.AddRange(Encoding.Latin1.GetBytes(head.ToString()));
        bytes.AddRange(body ?? []);
        return [.. bytes];
    }

    /// <summary>Sends <paramref name="request"/> on a new connection and reads the answer until the server closes it.</summary>
    public static async Task<Response> SendAsync(Uri server, byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server.Host, server.Port, timeout.Token);
        // Written while the answer is read: a server may answer (and close) before the body is all there.
        var writing = WriteAsync(socket, request, timeout.Token);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException) when (received.Length > 0)
        {
            // reset after the answer: the server closed with part of a body it did not want unread
        }
        await writing;
        return Parse(received.ToArray());
    }

    private static async Task WriteAsync(Socket socket, byte[] request, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(request, SocketFlags.None, cancellationToken);
        }
        catch (SocketException)
        {
            // the server stopped reading: its answer, if any, is what counts
        }
    }

    private static Response Parse(byte[] data)
    {
        // An interim 100 Continue (the request said Expect: 100-continue) comes before the answer.
        while (data.AsSpan().StartsWith("HTTP/1.1 1"u8) && data.AsSpan().IndexOf("\r\n\r\n"u8) is var interim and >= 0)
        {
            data = data[(interim + 4)..];
        }
        var end = data.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            throw new InvalidOperationException($"No HTTP answer (received {data.Length} bytes: {Encoding.Latin1.GetString(data)}).");
        }
        var lines = Encoding.Latin1.GetString(data, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        var body = data[(end + 4)..];
        if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        return new Response(status, headers, body);
    }

    private static byte[] Dechunk(byte[] chunked)
    {
        var body = new MemoryStream();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.AsSpan(position).IndexOf("\r\n"u8);
            var size = int.Parse(Encoding.ASCII.GetString(chunked, position, lineEnd).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            position += lineEnd + 2;
            if (size == 0)
            {
                break;
            }
            body.Write(chunked, position, size);
            position += size + 2;
        }
        return body.ToArray();
    }
}
