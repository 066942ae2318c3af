using System.CommandLine;
using CallEvents.Cli.Client;
using CallEvents.Hosting;

namespace CallEvents.Cli.Commands;

/// <summary>
/// <c>callevents login</c> keeps a server and an app's credentials in the profile (after
/// checking them with a token request), so later commands need no flags; <c>logout</c> removes it.
/// </summary>
public static class LoginCommands
{
    public static Command Login()
    {
        var login = new Command("login", $"Check an app's credentials (by getting a token) and keep them for later commands, in {ProfileFile.Path} (readable by you only); the secret is asked for when not given.")
            .WithExamples("callevents login --server http://127.0.0.1:5080 --client-id ID");
        login.SetAction(async (parse, ct) =>
        {
            // The profile being replaced lends nothing: login takes credentials from the flags or the environment only.
            var connection = ServerConnection.Resolve(parse.GetValue(ClientFlags.Server), parse.GetValue(ClientFlags.ClientId),
                parse.GetValue(ClientFlags.ClientSecret), useProfile: false);
            if (connection.ClientId is null)
            {
                throw CommandException.Usage("Give the app's --client-id (or CALLEVENTS_CLIENT_ID), and its --client-secret or type it when asked.");
            }
            if (connection.ClientSecret is null && Terminal.CanAsk)
            {
                connection = connection with { ClientSecret = Terminal.AskSecret($"Client secret of {connection.ClientId}:") };
            }
            using (await UapiClient.ConnectAsync(connection, ct))
            {
                // a token was issued: the credentials work on this server
            }
            var profile = new Profile(connection.Display, connection.ClientId, connection.ClientSecret!);
            ProfileFile.Write(profile);
            if (parse.GetValue(ClientFlags.Json))
            {
                CommandLine.Print(new { profile.Server, profile.ClientId, Profile = ProfileFile.Path });
            }
            else
            {
                Console.WriteLine($"Logged in to {profile.Server} as {profile.ClientId}; saved in {ProfileFile.Path}.");
            }
            return ExitCodes.Ok;
        });
        return login.WithConnection();
    }

    public static Command Logout()
    {
        var logout = new Command("logout", $"Remove the profile `callevents login` wrote ({ProfileFile.Path}).") { ClientFlags.Json };
        logout.SetAction(parse =>
        {
            var removed = ProfileFile.Delete();
            if (parse.GetValue(ClientFlags.Json))
            {
                CommandLine.Print(new { Profile = ProfileFile.Path, Removed = removed });
            }
            else
            {
                Console.WriteLine(removed ? $"Removed {ProfileFile.Path}." : $"No profile at {ProfileFile.Path}: nothing to remove.");
            }
            return ExitCodes.Ok;
        });
        return logout;
    }
}
