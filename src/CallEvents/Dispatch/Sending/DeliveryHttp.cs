using System.Net;
using System.Net.Sockets;
using CallEvents.Dispatch.Destinations;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Sending;

/// <summary>
/// The one HttpClient deliveries go out on. Its connections go only where the SSRF guard
/// allows: the name is resolved here, every address checked, and the socket connects to an
/// allowed one, so a name that resolves to a public address at registration and to a private
/// one later (DNS rebinding) is still refused. No proxy (it would connect for us, unchecked),
/// no redirects, no cookies. The connect timeout runs on the TimeProvider so tests can drive it.
/// </summary>
public sealed class DeliveryHttp : IDisposable
{
    public HttpClient Client { get; }

    public DeliveryHttp(DestinationPolicy policy, HostLookup lookup, IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        var connectTimeout = options.Value.ConnectTimeout;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            MaxConnectionsPerServer = Math.Max(1, options.Value.MaxConcurrencyPerDestination),
            // Receivers are third parties and get the contract's headers only: no traceparent
            // from the attempt's span (Observability/DeliveryTelemetry.cs).
            ActivityHeadersPropagator = null,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, lookup, clock, connectTimeout, context.DnsEndPoint, cancellationToken),
        };
        Client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private static async ValueTask<Stream> ConnectAsync(DestinationPolicy policy, HostLookup lookup, TimeProvider clock, TimeSpan timeout, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            // A fresh lookup, never the registration's cached answer: what is checked here is
            // what the socket connects to. WaitAsync: the connect timeout holds even if the
            // resolver ignores the token.
            var addresses = HostLiteral.TryParse(endpoint.Host, out var literal)
                ? [literal]
                : await lookup(endpoint.Host, linked.Token).WaitAsync(linked.Token);
            var allowed = addresses.Where(policy.IsAllowed).ToArray();
            if (allowed.Length == 0)
            {
                throw new DestinationRefusedException(endpoint.Host);
            }
            SocketException? last = null;
            foreach (var address in allowed)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, endpoint.Port), linked.Token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e)
                {
                    socket.Dispose();
                    last = e;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
            throw last!;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Connecting to {endpoint.Host}:{endpoint.Port} took longer than {timeout.TotalSeconds:0.###} s.");
        }
    }

    public void Dispose() => Client.Dispose();
}
