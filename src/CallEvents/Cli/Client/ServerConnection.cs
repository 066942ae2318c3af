using CallEvents.Hosting;

namespace CallEvents.Cli.Client;

/// <summary>
/// Which server to talk to and as which app: each from the command line's flags, else the
/// environment (CALLEVENTS_SERVER, CALLEVENTS_CLIENT_ID, CALLEVENTS_CLIENT_SECRET), else the
/// profile <c>callevents login</c> wrote. The profile's credentials go only to the profile's own
/// server: naming another server does not send them there.
/// </summary>
public sealed record ServerConnection(Uri Server, string? ClientId, string? ClientSecret)
{
    public const string DefaultServer = "http://127.0.0.1:5080";

    public static ServerConnection Resolve(string? server, string? clientId, string? clientSecret, bool useProfile = true)
    {
        clientId ??= Environment("CALLEVENTS_CLIENT_ID");
        clientSecret ??= Environment("CALLEVENTS_CLIENT_SECRET");
        server ??= Environment("CALLEVENTS_SERVER");
        var profile = useProfile && (server is null || clientId is null || clientSecret is null) ? ProfileFile.Read() : null;
        var address = ParseServer(server ?? profile?.Server ?? DefaultServer);
        if (profile is not null && ParseServer(profile.Server) == address)
        {
            clientId ??= profile.ClientId;
            clientSecret ??= profile.ClientSecret;
        }
        return new ServerConnection(address, clientId, clientSecret);
    }

    /// <summary>The server's base address, always ending in '/', so a path base (https://host/callevents/) is kept.</summary>
    public static Uri ParseServer(string text)
    {
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Query.Length > 0)
        {
            throw CommandException.Usage($"'{text}' is not a server address: give --server as http://host:port, e.g. {DefaultServer}.");
        }
        return new Uri(uri.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
    }

    /// <summary>How the server is written in messages: as the user would type it.</summary>
    public string Display => Server.AbsoluteUri.TrimEnd('/');

    private static string? Environment(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
