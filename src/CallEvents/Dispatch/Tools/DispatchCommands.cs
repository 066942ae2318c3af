using System.CommandLine;
using CallEvents.Dispatch.Signing;
using CallEvents.Hosting;

namespace CallEvents.Dispatch.Tools;

/// <summary>
/// <c>callevents apps signing-secret|rotate-signing-secret</c>: the operator's side of signing
/// secrets, straight on the database like the other provisioning commands. (Replays go through
/// the server: <c>callevents deliveries replay</c>, Cli/Commands/DeliveriesCommands.cs.)
/// </summary>
public static class DispatchCommands
{
    /// <summary>Adds the signing-secret subcommands to the <c>apps</c> group.</summary>
    public static Command WithSigningSecrets(Command apps, Option<bool> json)
    {
        var clientId = new Option<string>("--client-id") { Description = "The app's client id.", Required = true };
        var show = new Command("signing-secret", "Print the secret the app's deliveries are signed with (whsec_…).") { clientId, json };
        show.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var secret = await services.GetRequiredService<SigningSecrets>().GetAsync(parse.GetValue(clientId)!, ct);
            Report(parse, json, secret);
            return 0;
        }, ct));
        var rotate = new Command("rotate-signing-secret", "Make a new signing secret; the previous one keeps signing for Delivery:SigningSecretGracePeriod.") { clientId, json };
        rotate.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var secret = await services.GetRequiredService<SigningSecrets>().RotateAsync(parse.GetValue(clientId)!, ct);
            Report(parse, json, secret);
            return 0;
        }, ct));
        foreach (var command in new[] { show, rotate })
        {
            command.TreatUnmatchedTokensAsErrors = false;
            apps.Subcommands.Add(command);
        }
        return apps;
    }

    private static void Report(ParseResult parse, Option<bool> json, SigningSecretOut secret) =>
        Report(parse, json, secret, secret.PreviousSigningSecret is null
            ? $"signing_secret={secret.SigningSecret}"
            : $"signing_secret={secret.SigningSecret}\nprevious_signing_secret={secret.PreviousSigningSecret} (signs too until {secret.PreviousValidUntil})");

    private static void Report<T>(ParseResult parse, Option<bool> json, T value, string text)
    {
        if (parse.GetValue(json))
        {
            CommandLine.Print(value);
        }
        else
        {
            Console.WriteLine(text);
        }
    }
}
