using System.CommandLine;
using System.Text.Json;
using CallEvents.Demo;
using CallEvents.Dispatch.Tools;
using CallEvents.Hosting.Settings;
using CallEvents.Hosting.Startup;
using CallEvents.Uapi;

namespace CallEvents.Hosting;

/// <summary>
/// The command tree. Every command builds the same host as the server (same configuration,
/// same database), so what the CLI provisions is exactly what the server sees. Tokens the
/// parser does not know (e.g. <c>--Database:Provider=Postgres</c>) go on to the host's
/// configuration.
/// </summary>
public static class CommandLine
{
    private static readonly Option<bool> Json = new("--json") { Description = "Print the result as JSON, for scripts." };

    public static RootCommand Build()
    {
        var root = new RootCommand("CallEvents: HTTP hooks on PBX extensions (UAPI PhoneCallEvents). With no command: serve.");
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
        root.Subcommands.Add(DispatchCommands.Deliveries(Json));
        root.Subcommands.Add(SimulateCommand.Create());
        root.Subcommands.Add(ListenCommand.Create());
        return root;
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply the database migrations of this build.") { TreatUnmatchedTokensAsErrors = false };
        command.SetAction((parse, cancellationToken) => StopOnInvalidSettingsAsync(async () =>
        {
            await using var app = Program.Build(Program.CreateBuilder(HostArgs(parse)));
            SettingsReader.Validate(app.Services);
            // The same gate as serve, told to migrate: it refuses a schema newer than this build
            // and reports an unreachable database as a message, not a stack trace.
            var problem = await SchemaGate.CheckAsync(app.Services, migrate: true, app.Logger, cancellationToken);
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
            var result = await services.GetRequiredService<DemoTenant>().EnsureAsync(cancellationToken);
            if (parse.GetValue(Json))
            {
                Print(result);
            }
            else
            {
                Console.WriteLine(result.Created
                    ? DemoBanner.Credentials(result)
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
        await using var app = Program.Build(Program.CreateBuilder(HostArgs(parse, quiet: true)));
        SettingsReader.Validate(app.Services);
        var problem = await SchemaGate.CheckAsync(app.Services, migrate: false, app.Logger, cancellationToken)
            ?? await SecretsGate.CheckAsync(app.Services, serving: false, app.Logger, cancellationToken);
        if (problem is not null)
        {
            await Console.Error.WriteLineAsync(problem);
            return 2;
        }
        using var scope = app.Services.CreateScope();
        try
        {
            return await action(scope.ServiceProvider);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }

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
        var args = parse.UnmatchedTokens.ToList();
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
