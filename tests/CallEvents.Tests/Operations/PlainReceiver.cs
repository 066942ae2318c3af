using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CallEvents.Tests.Operations;

/// <summary>
/// A hook receiver on a bare socket, answering every request 200 and keeping its head (request
/// line and headers). The tracing test needs one that is not ASP.NET Core: an in-process Kestrel
/// receiver's own server spans would be recorded by the host's tracer (one process, one
/// ActivitySource) and mixed with what CallEvents exports, where a real receiver's never are.
/// </summary>
public sealed class PlainReceiver : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public BlockingCollection<string> Heads { get; } = [];

    public PlainReceiver()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public string Url(string pathAndQuery) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{pathAndQuery}";

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = AnswerAsync(client);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var received = new StringBuilder();
            var buffer = new byte[4096];
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var head = received.ToString()[..received.ToString().IndexOf("\r\n\r\n", StringComparison.Ordinal)];
            // The body (a form POST's) is small and not needed: answer, and close the connection.
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
            Heads.Add(head);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
        Heads.Dispose();
    }
}
