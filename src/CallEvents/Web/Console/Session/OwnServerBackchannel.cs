using Microsoft.AspNetCore.Hosting.Server;

namespace CallEvents.Web.Console.Session;

/// <summary>
/// Sends the console's token requests (the code exchange, refreshes) to this very server, on an
/// HTTP address it listens on: the OAuth handler needs an absolute token URL when it is
/// configured, before Kestrel has chosen its ports, so it is given <see cref="Placeholder"/>
/// (a reserved name that never resolves) and this handler puts the real origin in at send time.
/// Only loopback: the request never leaves the machine, and no certificate is needed.
/// </summary>
public sealed class OwnServerBackchannel(IServer server) : DelegatingHandler(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
{
    public const string Placeholder = "http://callevents.invalid";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { Host: "callevents.invalid" } uri)
        {
            var origin = ConsoleClient.ListeningOrigins(server).FirstOrDefault(o => o.Scheme == "http" && o.IsLoopback)
                ?? throw new InvalidOperationException("The console signs in through this server's token endpoint on a loopback HTTP address; it listens on none (--urls).");
            request.RequestUri = new Uri(origin, uri.PathAndQuery);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
