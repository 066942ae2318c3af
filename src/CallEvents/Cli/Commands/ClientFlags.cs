using System.CommandLine;
using CallEvents.Cli.Client;

namespace CallEvents.Cli.Commands;

/// <summary>The options every client command shares: where the server is, the app to act as, and --json.</summary>
public static class ClientFlags
{
    public static readonly Option<string?> Server = new("--server")
    {
        Description = $"The running server (default {ServerConnection.DefaultServer}; or CALLEVENTS_SERVER, or the profile `callevents login` wrote).",
    };

    public static readonly Option<string?> ClientId = new("--client-id") { Description = "The app's client id (or CALLEVENTS_CLIENT_ID, or the profile)." };

    public static readonly Option<string?> ClientSecret = new("--client-secret") { Description = "The app's client secret (or CALLEVENTS_CLIENT_SECRET, or the profile)." };

    public static readonly Option<bool> Json = new("--json") { Description = "Print the server's JSON answer unchanged, for scripts." };

    public static readonly Option<string> User = new("--user")
    {
        Description = "The extension's user as the UAPI names it: @me (the default), @owner, or a user id.",
        DefaultValueFactory = _ => "@me",
    };

    public static readonly Option<string> Extension = new("--extension")
    {
        Description = "The extension: 0003*210, or 210 inside the app's organization.",
        Required = true,
    };

    /// <summary>Adds the connection options (and --json) to <paramref name="command"/>.</summary>
    public static T WithConnection<T>(this T command) where T : Command
    {
        command.Options.Add(Server);
        command.Options.Add(ClientId);
        command.Options.Add(ClientSecret);
        command.Options.Add(Json);
        return command;
    }

    public static ServerConnection Connection(ParseResult parse) =>
        ServerConnection.Resolve(parse.GetValue(Server), parse.GetValue(ClientId), parse.GetValue(ClientSecret));

    public static Task<UapiClient> ConnectAsync(ParseResult parse, CancellationToken cancellationToken) =>
        UapiClient.ConnectAsync(Connection(parse), cancellationToken);

    /// <summary>Prints the server's answer unchanged (an empty one as <paramref name="empty"/>).</summary>
    public static void PrintJson(UapiReply reply, string empty = "[]") =>
        Console.WriteLine(string.IsNullOrWhiteSpace(reply.Body) ? empty : reply.Body);
}
