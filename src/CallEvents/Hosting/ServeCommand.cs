using System.CommandLine;
using CallEvents.Demo;
using CallEvents.Hosting.Settings;
using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CallEvents.Hosting;

/// <summary><c>callevents serve</c> (the default command).</summary>
public static class ServeCommand
{
    public static readonly Option<string?> Urls = new("--urls") { Description = $"Where to listen (default {Serving.DefaultUrls})." };
    public static readonly Option<bool> Migrate = new("--migrate") { Description = "Apply pending database migrations first (development)." };

    public static Command Create()
    {
        var command = new Command("serve", "Serve the UAPI and the token endpoint.") { Urls, Migrate };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(RunAsync);
        return command;
    }

    public static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken) =>
        CommandLine.StopOnInvalidSettingsAsync(() => ServeAsync(parse, cancellationToken));

    private static async Task<int> ServeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var args = CommandLine.HostArgs(parse).ToList();
        if (parse.GetValue(Urls) is { Length: > 0 } urls)
        {
            args.Add($"--urls={urls}");
        }
        await using var app = Program.Build(Program.CreateBuilder([.. args]));
        SettingsReader.Validate(app.Services); // before the host starts, which would log a failed start as well
        var embedded = app.Services.GetRequiredService<DatabaseOptions>().Provider == DatabaseProvider.Sqlite;
        var readiness = app.Services.GetRequiredService<DatabaseReadiness>();
        DemoAtStart demo;
        if (embedded)
        {
            // The embedded file is here or nowhere: nothing to wait for. Check (or create) the
            // schema, check the secrets key and seed the demo before the host starts, so that the
            // first connection a script makes is answered for real, not with 503; and so that Data
            // Protection's start (which opens the sealed key ring) finds the key checked, and a
            // wrong key is one line, not a failed start.
            var warmUp = StorageWarmUp.StartContext(app.Services); // EF Core's first context, while the schema is read with plain SQL
            var isNew = await SchemaGate.IsNewAsync(app.Services, cancellationToken);
            var problem = await SchemaGate.CheckAsync(app.Services, parse.GetValue(Migrate), app.Logger, cancellationToken)
                ?? await SecretsGate.CheckAsync(app.Services, serving: true, app.Logger, cancellationToken);
            await warmUp; // never faults (StorageWarmUp); done before the services can be disposed
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync(problem);
                return 2;
            }
            demo = await DemoAtStart.PrepareAsync(app.Services, isNew, cancellationToken);
            await StartOrStopAsync(app, cancellationToken);
        }
        else
        {
            // A database server may start after this node: listen first, answering 503 until the
            // database has been reached and its schema checked (Hosting/Startup/DatabaseReadiness.cs);
            // a database that is down at start delays the node, it does not crash it. Background
            // services wait for it too (WaitUntilServingAsync).
            readiness.Hold();
            await StartOrStopAsync(app, cancellationToken);
            if ((await SchemaGate.WaitAndCheckAsync(app.Services, parse.GetValue(Migrate), app.Logger, cancellationToken)
                ?? await SecretsGate.CheckAsync(app.Services, serving: true, app.Logger, cancellationToken)) is { } problem)
            {
                await Console.Error.WriteLineAsync(problem);
                readiness.Abandon();
                await app.StopAsync(CancellationToken.None);
                return 2;
            }
            demo = await DemoAtStart.PrepareAsync(app.Services, newDatabase: false, cancellationToken);
            readiness.Open();
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var http = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses.FirstOrDefault() ?? "http://127.0.0.1:5080";
        Console.WriteLine($"CallEvents is listening on {string.Join(", ", addresses)} (data: {StorageSetup.DataDirectory(app.Configuration)}).");
        if (demo.Banner(http) is { } banner)
        {
            Console.WriteLine(banner); // the terminal, not the log: the first run's lines carry secrets
        }
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// Starts the host; when that fails (a port in use), stops what did start before the
    /// exception goes on to the one error handler: background services started before Kestrel
    /// failed to bind, and would otherwise run on against a disposed container and log errors.
    /// </summary>
    private static async Task StartOrStopAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.StopAsync(CancellationToken.None);
            throw;
        }
    }
}
