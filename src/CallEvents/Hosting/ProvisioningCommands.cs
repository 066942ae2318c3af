using System.CommandLine;
using CallEvents.Accounts;
using CallEvents.OAuth;
using CallEvents.OAuth.Consents;

namespace CallEvents.Hosting;

/// <summary><c>callevents accounts|extensions|apps …</c>: provisioning for operators and scripts.</summary>
public static class ProvisioningCommands
{
    public static Command Accounts(Option<bool> json)
    {
        var kind = new Option<AccountKind>("--kind") { Description = "Admin, ServiceProvider, Organization or User.", Required = true };
        var name = new Option<string>("--name") { Description = "Display name.", Required = true };
        var id = new Option<string?>("--id") { Description = "Object-Id (letters, digits, _ . -); generated when absent." };
        var parent = new Option<string?>("--parent") { Description = "Parent account id (the Admin for a service provider, when absent)." };
        var code = new Option<string?>("--code") { Description = "4-digit organization code, for an organization." };
        var add = new Command("add", "Add an account to the hierarchy.") { kind, name, id, parent, code, json };
        add.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var account = await services.GetRequiredService<AccountRegistry>().AddAccountAsync(
                parse.GetValue(kind), parse.GetValue(id), parse.GetValue(name)!, parse.GetValue(parent), parse.GetValue(code), ct);
            Report(parse, json, new { account.Id, Kind = account.Kind.ToString(), account.Name, account.ParentId, account.OrganizationCode },
                $"Added {account.Kind} {account.Id}.");
            return 0;
        }, ct));

        var account = new Option<string>("--account") { Description = "Account id.", Required = true };
        var deny = new Command("deny", "Deny managing phone call events on an account and everything beneath it.") { account };
        deny.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            await services.GetRequiredService<AccountRegistry>().SetPhoneCallEventsDeniedAsync(parse.GetValue(account)!, true, ct);
            Console.WriteLine($"Phone call events are denied on {parse.GetValue(account)} and beneath.");
            return 0;
        }, ct));
        var allow = new Command("allow", "Allow managing phone call events on an account again.") { account };
        allow.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            await services.GetRequiredService<AccountRegistry>().SetPhoneCallEventsDeniedAsync(parse.GetValue(account)!, false, ct);
            Console.WriteLine($"Phone call events are allowed on {parse.GetValue(account)}.");
            return 0;
        }, ct));
        var login = new Argument<string>("account") { Description = "The account id (what its person types on the sign-in page)." };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of standard input (for scripts)." };
        var setPassword = new Command("set-password", "Set the password an account signs in with (the authorization endpoint, the console).") { login, passwordStdin };
        setPassword.SetAction((parse, ct) =>
        {
            // Read before the host starts, so a prompt is not interleaved with its output; never from argv.
            var password = ReadPassword(parse.GetValue(passwordStdin));
            return CommandLine.WithServices(parse, async services =>
            {
                await services.GetRequiredService<AccountPasswords>().SetAsync(parse.GetValue(login)!, password, ct);
                Console.WriteLine($"The password of {parse.GetValue(login)} is set; it signs in at /oauth/authorize.");
                return 0;
            }, ct);
        });
        return Group("accounts", "Manage the account hierarchy.", add, deny, allow, setPassword);
    }

    public static Command Extensions(Option<bool> json)
    {
        var number = new Option<string>("--number") { Description = "0003*210, or 210 inside the owner's organization.", Required = true };
        var type = new Option<string>("--type") { Description = "PhoneTerminal, Queue, Ivr, Conference, VoicemailCenter, Callback, CallingCard, IntercomPaging, QueueLoginCenter.", Required = true };
        var owner = new Option<string>("--owner") { Description = "The owning user's id.", Required = true };
        var add = new Command("add", "Add an extension owned by a user.") { number, type, owner, json };
        add.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            if (!ExtensionTypes.TryParse(parse.GetValue(type)!, out var extensionType))
            {
                throw new ArgumentException($"Unknown extension type '{parse.GetValue(type)}'.");
            }
            var extension = await services.GetRequiredService<AccountRegistry>().AddExtensionAsync(parse.GetValue(number)!, extensionType, parse.GetValue(owner)!, ct);
            Report(parse, json, new { extension.Number, Type = extension.Type.ToString(), extension.OwnerId }, $"Added extension {extension.Number}.");
            return 0;
        }, ct));
        return Group("extensions", "Manage extensions.", add);
    }

    public static Command Apps(Option<bool> json)
    {
        var account = new Option<string>("--account") { Description = "The Admin, Organization or User account the app acts as.", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var trusted = new Option<bool>("--trusted") { Description = "May use the client-credentials grant." };
        var redirectUri = new Option<string[]>("--redirect-uri")
        {
            Description = "Where the authorization endpoint sends a person back (exact match; repeatable): the app may then act as people who sign in and consent.",
            AllowMultipleArgumentsPerToken = false,
        };
        var firstParty = new Option<bool>("--first-party") { Description = "An app the operator vouches for (the console): no consent page, its consents are implicit." };
        var add = new Command("add", "Register an app; prints its client id and secret once.") { account, name, trusted, redirectUri, firstParty, json };
        add.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var uris = new List<Uri>();
            foreach (var text in parse.GetValue(redirectUri) ?? [])
            {
                uris.Add(Uri.TryCreate(text, UriKind.Absolute, out var uri) ? uri : throw CommandException.Usage($"--redirect-uri '{text}' is not an absolute URL."));
            }
            var issued = await services.GetRequiredService<AppRegistry>().AddAsync(
                parse.GetValue(account)!, parse.GetValue(name) ?? "App", parse.GetValue(trusted), uris, parse.GetValue(firstParty), ct);
            Report(parse, json, issued, $"client_id={issued.ClientId}\nclient_secret={issued.ClientSecret}\n(the secret is shown only this once)");
            return 0;
        }, ct));

        var clientId = new Option<string>("--client-id") { Description = "The app's client id.", Required = true };
        var regenerate = new Command("regenerate-secret", "Make a new client secret; every token of the app stops working.") { clientId, json };
        regenerate.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var issued = await services.GetRequiredService<AppRegistry>().RegenerateSecretAsync(parse.GetValue(clientId)!, ct);
            Report(parse, json, issued, $"client_id={issued.ClientId}\nclient_secret={issued.ClientSecret}\n(the secret is shown only this once; the old one and its tokens no longer work)");
            return 0;
        }, ct));
        var trust = new Command("trust", "Let the app use the client-credentials grant again.") { clientId, json };
        trust.SetAction((parse, ct) => SetTrustedAsync(parse, json, clientId, trusted: true, ct));
        var untrust = new Command("untrust", "Refuse the app tokens; the tokens it holds stop working.") { clientId, json };
        untrust.SetAction((parse, ct) => SetTrustedAsync(parse, json, clientId, trusted: false, ct));
        var remove = new Command("remove", "Remove the app, its tokens, its signing secret and the phone call events it registered.") { clientId, json };
        remove.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var id = parse.GetValue(clientId)!;
            await services.GetRequiredService<AppRegistry>().RemoveAsync(id, ct);
            Report(parse, json, new { ClientId = id, Removed = true }, $"Removed app {id}; its tokens no longer work.");
            return 0;
        }, ct));
        return Group("apps", "Manage apps (OAuth clients).", add, regenerate, trust, untrust, remove);
    }

    public static Command Consents(Option<bool> json)
    {
        var account = new Option<string>("--account") { Description = "The account that consented.", Required = true };
        var list = new Command("list", "List the apps an account has let act as it.") { account, json };
        list.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var consents = await services.GetRequiredService<ConsentRegistry>().ListAsync(parse.GetValue(account)!, ct);
            Report(parse, json, consents, consents.Count == 0
                ? $"{parse.GetValue(account)} has consented to no app."
                : string.Join('\n', consents.Select(c => $"{c.ClientId}  {c.AppName}  since {c.GrantedAt:u}")));
            return 0;
        }, ct));
        var clientId = new Option<string>("--client-id") { Description = "The app's client id.", Required = true };
        var revoke = new Command("revoke", "Revoke an account's consent to an app; the app's tokens for it stop working.") { account, clientId, json };
        revoke.SetAction((parse, ct) => CommandLine.WithServices(parse, async services =>
        {
            var (who, app) = (parse.GetValue(account)!, parse.GetValue(clientId)!);
            if (!await services.GetRequiredService<ConsentRegistry>().RevokeAsync(who, app, ct))
            {
                throw new InvalidOperationException($"{who} has no consent to app '{app}' ('callevents consents list --account {who}').");
            }
            Report(parse, json, new { AccountId = who, ClientId = app, Revoked = true }, $"Revoked {who}'s consent to {app}; its tokens for {who} no longer work.");
            return 0;
        }, ct));
        return Group("consents", "List and revoke the consents accounts gave apps (authorization code).", list, revoke);
    }

    /// <summary>
    /// The password of <c>set-password</c>: typed at a prompt that does not echo it (twice), or the
    /// first line of standard input with <c>--password-stdin</c>; never an argument, which other
    /// users of the machine can read in the process list and which shells keep in their history.
    /// </summary>
    private static string ReadPassword(bool fromStdin)
    {
        if (fromStdin)
        {
            return Console.In.ReadLine()?.TrimEnd('\r') is { Length: > 0 } line
                ? line
                : throw CommandException.Usage("--password-stdin: standard input has no password line.");
        }
        if (!Cli.Terminal.CanAsk)
        {
            throw CommandException.Usage("No terminal to ask for the password: pass it on standard input with --password-stdin.");
        }
        var password = Cli.Terminal.AskSecret("New password:");
        return password == Cli.Terminal.AskSecret("Again:") ? password : throw CommandException.Usage("The two passwords differ: nothing changed.");
    }

    private static Task<int> SetTrustedAsync(ParseResult parse, Option<bool> json, Option<string> clientId, bool trusted, CancellationToken ct) =>
        CommandLine.WithServices(parse, async services =>
        {
            var id = parse.GetValue(clientId)!;
            await services.GetRequiredService<AppRegistry>().SetTrustedAsync(id, trusted, ct);
            Report(parse, json, new { ClientId = id, Trusted = trusted },
                trusted ? $"App {id} is trusted: it may have tokens." : $"App {id} is not trusted: it gets no tokens, and the ones it holds no longer work.");
            return 0;
        }, ct);

    private static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            subcommand.TreatUnmatchedTokensAsErrors = false;
            group.Subcommands.Add(subcommand);
        }
        return group;
    }

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
