using System.CommandLine;
using System.CommandLine.Invocation;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallEvents.Cli;
using CallEvents.Cli.Commands;
using CallEvents.Demo;
using CallEvents.Dispatch.Tools;
using CallEvents.Hosting.Settings;
using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Connections;

namespace CallEvents.Hosting;

/// <summary>
/// The command tree. Every command that works on the database builds its host from the server's
/// configuration, settings checks and storage (Program.CreateCommandBuilder: the server's own
/// registrations, without what only serving uses), so what the CLI provisions is exactly what
/// the server sees. Tokens the parser does not know (e.g. <c>--Database:Provider=Postgres</c>) go
/// on to the host's configuration. The client commands (<c>login</c>, <c>pce</c>,
/// <c>deliveries</c>, <c>simulate</c>) talk to a running server over its public HTTP API instead (Cli/).
/// </summary>
public static partial class CommandLine
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON, for scripts." };

    /// <summary>
    /// Parses and runs a command line. This is the one place where failures become what a user
    /// reads: one line on stderr that says what is wrong and what to do, and an exit code from
    /// <see cref="ExitCodes"/>; never a stack trace.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Build().Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // A mistyped subcommand ("pce lst") is only "Required command was not provided": say which word was not understood.
            foreach (var token in parse.UnmatchedTokens.Where(t => !parse.Errors.Any(e => e.Message.Contains($"'{t}'", StringComparison.Ordinal))))
            {
                await Console.Error.WriteLineAsync($"Unrecognized command or argument '{token}'.");
            }
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }
            await Console.Error.WriteLineAsync($"Run '{CommandPath(parse)} --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            var (message, exitCode) = Explain(e, parse);
            await Console.Error.WriteLineAsync(message);
            return exitCode;
        }
    }

    /// <summary>The failures a user can cause, as a message and an exit code.</summary>
    private static (string Message, int ExitCode) Explain(Exception exception, ParseResult parse)
    {
        switch (exception)
        {
            case CommandException failure:
                return (failure.Message, failure.ExitCode);
            case OperationCanceledException:
                return ("Interrupted.", ExitCodes.Interrupted);
            case IOException when IsAddressInUse(exception):
                // Kestrel: "Failed to bind to address http://127.0.0.1:5080: address already in use."
                var address = BindAddress().Match(exception.Message) is { Success: true } match
                    && Uri.TryCreate(match.Groups["address"].Value, UriKind.Absolute, out var uri) ? uri : null;
                var command = parse.CommandResult.Command.Name;
                if (address is null)
                {
                    return ($"An address to listen on is in use: stop the other process, or pass {(command == "listen" ? "--port" : "--urls")} with another port.",
                        ExitCodes.AddressInUse);
                }
                var instead = command == "listen" ? $"--port {address.Port + 1}" : $"--urls {address.Scheme}://{address.Host}:{address.Port + 1}";
                return ($"Port {address.Port} is in use: stop the other process or pass {instead}", ExitCodes.AddressInUse);
            case ArgumentException or InvalidOperationException:
                // the provisioning commands' refusals (AccountRegistry, AppRegistry, SigningSecrets): their messages are for users
                return (exception.Message, ExitCodes.Usage);
            default:
                var firstLine = exception.Message.Split('\n', 2)[0].Trim();
                return ($"{CommandPath(parse)} failed: {firstLine} ({exception.GetType().Name}).", ExitCodes.Failed);
        }
    }

    private static bool IsAddressInUse(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is AddressInUseException or SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }
        return false;
    }

    [GeneratedRegex(@"address (?<address>\S+?): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BindAddress();

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Parent is null ? "callevents" : result.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }

    public static RootCommand Build()
    {
        var root = new RootCommand("CallEvents: HTTP hooks on PBX extensions (UAPI PhoneCallEvents). With no command: serve.")
            .WithExamples("callevents serve", "callevents demo --json", "callevents login --client-id ID --client-secret SECRET", "callevents pce list --extension 0003*210");
        var serve = ServeCommand.Create();
        root.TreatUnmatchedTokensAsErrors = false;
        root.Options.Add(ServeCommand.Urls);
        root.Options.Add(ServeCommand.Migrate);
        root.SetAction((parse, cancellationToken) => UnknownCommand(parse) is { } unknown
            ? Refuse($"Unknown command '{unknown}'. Run 'callevents --help' for the commands.")
            : ServeCommand.RunAsync(parse, cancellationToken));
        root.Subcommands.Add(serve);
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(DemoCommand());
        root.Subcommands.Add(ProvisioningCommands.Accounts(Json));
        root.Subcommands.Add(ProvisioningCommands.Extensions(Json));
        root.Subcommands.Add(DispatchCommands.WithSigningSecrets(ProvisioningCommands.Apps(Json), Json));
        root.Subcommands.Add(ProvisioningCommands.Consents(Json));
        root.Subcommands.Add(LoginCommands.Login());
        root.Subcommands.Add(LoginCommands.Logout());
        root.Subcommands.Add(PceCommands.Create());
        root.Subcommands.Add(DeliveriesCommands.Create());
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ListenCommand.Create());
        AddProvisioningExamples(root);
        CommandExamples.ShowInHelp(root);
        return root;
    }

    /// <summary>The examples of the commands that work on the database (Hosting/ProvisioningCommands.cs, Dispatch/Tools).</summary>
    private static void AddProvisioningExamples(RootCommand root)
    {
        Command Find(params string[] path) =>
            path.Aggregate((Command)root, (command, name) => command.Subcommands.Single(c => c.Name == name));
        Find("serve").WithExamples("callevents serve --urls http://127.0.0.1:5081", "callevents serve --migrate --Database:Provider=Postgres --Database:ConnectionString='Host=…'");
        Find("migrate").WithExamples("callevents migrate --Database:Provider=Postgres --Database:ConnectionString='Host=…'");
        Find("demo").WithExamples("callevents demo --json --DataDirectory=/var/lib/callevents");
        Find("accounts", "add").WithExamples("callevents accounts add --kind Organization --name 'Org 7' --id org7 --parent sp-demo --code 0007");
        Find("accounts", "set-password").WithExamples("callevents accounts set-password uma.7", "printf '%s\\n' \"$PASSWORD\" | callevents accounts set-password uma.7 --password-stdin");
        Find("consents", "list").WithExamples("callevents consents list --account uma.7 --json");
        Find("consents", "revoke").WithExamples("callevents consents revoke --account uma.7 --client-id app_…");
        Find("accounts", "deny").WithExamples("callevents accounts deny --account org7");
        Find("extensions", "add").WithExamples("callevents extensions add --number 0007*300 --type PhoneTerminal --owner uma.7");
        Find("apps", "add").WithExamples("callevents apps add --account uma.7 --trusted --name CRM --json",
            "callevents apps add --account org7 --name 'CRM Connect' --redirect-uri https://crm.example.com/oauth/callback");
        Find("apps", "regenerate-secret").WithExamples("callevents apps regenerate-secret --client-id app_…");
        Find("apps", "signing-secret").WithExamples("callevents apps signing-secret --client-id app_…");
        Find("listen").WithExamples("callevents listen --port 9000 --secret whsec_…", "callevents listen --port 9000 --status 503");
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply the database migrations of this build.") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((parse, cancellationToken) => StopOnInvalidSettingsAsync(async () =>
        {
            using var host = Program.CreateCommandBuilder(HostArgs(parse)).Build(); // not the server's: see WithServicesAsync
            SettingsReader.Validate(host.Services);
            // The same gate as serve, told to migrate: it refuses a schema newer than this build
            // and reports an unreachable database as a message, not a stack trace.
            var problem = await SchemaGate.CheckAsync(host.Services, migrate: true, LoggerOf(host), cancellationToken);
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync(problem);
                return 2;
            }
            Console.WriteLine("The database schema is up to date.");
            return 0;
        }));
        return command;
    }

    private static Command DemoCommand()
    {
        var command = new Command("demo", "Create the demo tenant (once) and print its credentials.") { Json };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) => WithServices(parse, async services =>
        {
            var result = await Terminal.WithStatusAsync("Creating the demo tenant…",
                () => services.GetRequiredService<DemoTenant>().EnsureAsync(cancellationToken));
            if (parse.GetValue(Json))
            {
                Print(result);
            }
            else
            {
                Console.WriteLine(result.Created
                    ? DemoBanner.Credentials(result, DemoBanner.DefaultServer(services))
                    : "The demo tenant exists already; its secrets were shown when it was created. Make new ones with 'callevents apps regenerate-secret --client-id …'.");
            }
            if (!result.Created)
            {
                Console.Error.WriteLine("The demo tenant exists already: nothing changed.");
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>Runs <paramref name="action"/> against the host's services, with the schema checked first.</summary>
    internal static Task<int> WithServices(ParseResult parse, Func<IServiceProvider, Task<int>> action, CancellationToken cancellationToken) =>
        StopOnInvalidSettingsAsync(() => WithServicesAsync(parse, action, cancellationToken));

    private static async Task<int> WithServicesAsync(ParseResult parse, Func<IServiceProvider, Task<int>> action, CancellationToken cancellationToken)
    {
        // The server's configuration, settings checks, storage and registries, but not what only
        // serving uses (Kestrel, OpenIddict's server and validation, the pages, OpenAPI,
        // telemetry, the HTTP pipeline), which a command that does not serve never runs: building
        // them cost `apps add` a sixth of its CPU, `migrate` a quarter (bench/README.md, Start and
        // memory (session 5)).
        using var host = Program.CreateCommandBuilder(HostArgs(parse, quiet: true)).Build();
        SettingsReader.Validate(host.Services);
        var warmUp = StorageWarmUp.StartContext(host.Services); // EF Core's first context, while the gates read with plain SQL
        try
        {
            var problem = await SchemaGate.CheckAsync(host.Services, migrate: false, LoggerOf(host), cancellationToken)
                ?? await SecretsGate.CheckAsync(host.Services, serving: false, LoggerOf(host), cancellationToken);
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync(problem);
                return 2;
            }
        }
        finally
        {
            await warmUp; // never faults (StorageWarmUp); done before the services can be disposed
        }
        using var scope = host.Services.CreateScope();
        return await action(scope.ServiceProvider); // refusals are reported by RunAsync
    }

    /// <summary>The category the server's own lines are logged under (WebApplication.Logger's: the application's name).</summary>
    private static ILogger LoggerOf(IHost host) =>
        host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(host.Services.GetRequiredService<IHostEnvironment>().ApplicationName);

    /// <summary>
    /// Runs a command that builds the host: a setting with a bad value (Hosting/Settings) stops it
    /// with one line per problem on stderr, each naming its key, and exit code 2, not a stack trace.
    /// </summary>
    internal static async Task<int> StopOnInvalidSettingsAsync(Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (Exception exception) when (SettingsReader.ProblemsIn(exception) is { Count: > 0 } problems)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync($"Invalid setting: {problem}");
            }
            return 2;
        }
    }

    /// <summary>
    /// Unmatched tokens go on to the host's configuration (<c>--Key=value</c> or <c>--Key value</c>);
    /// a bare word anywhere else is a mistyped command, which must not quietly start a server.
    /// </summary>
    private static string? UnknownCommand(ParseResult parse)
    {
        var tokens = parse.UnmatchedTokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var isValueOfPrevious = i > 0 && tokens[i - 1].StartsWith("--", StringComparison.Ordinal) && !tokens[i - 1].Contains('=', StringComparison.Ordinal);
            if (!token.StartsWith('-') && !isValueOfPrevious)
            {
                return token;
            }
        }
        return null;
    }

    private static Task<int> Refuse(string message)
    {
        Console.Error.WriteLine(message);
        return Task.FromResult(2);
    }

    internal static string[] HostArgs(ParseResult parse, bool quiet = false)
    {
        // The host logs a failed start (a port in use) with its stack trace before it throws;
        // RunAsync reports it as one line. A failing background service is still logged, as
        // Critical. First, so that a --Logging:… of the user's overrides it.
        var args = new List<string> { "--Logging:LogLevel:Microsoft.Extensions.Hosting.Internal.Host=Critical" };
        args.AddRange(parse.UnmatchedTokens);
        if (quiet)
        {
            args.Add("--Logging:LogLevel:Default=Warning");
            // Whatever is still logged (e.g. "applying migrations" on a fresh data directory)
            // goes to stderr: stdout is for the command's answer, which scripts parse (--json).
            args.Add("--Logging:Console:LogToStandardErrorThreshold=Trace");
        }
        return [.. args];
    }

    internal static void Print<T>(T value) => Console.WriteLine(JsonSerializer.Serialize(value, UapiJson.Options));
}
