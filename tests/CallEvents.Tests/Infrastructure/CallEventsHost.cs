using System.Net.Http.Headers;
using CallEvents.Demo;
using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Infrastructure;

/// <summary>
/// The real server, in process, on a loopback port, over a real database file in a temp
/// directory, migrated with the real migrations and holding the demo tenant. Tests talk to it
/// over HTTP only, with tokens from its own token endpoint.
/// </summary>
public sealed class CallEventsHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    public Uri BaseAddress { get; }
    public HttpClient Http { get; }
    public DemoTenantOut Demo { get; }
    public string DataDirectory { get; }

    /// <summary>The database settings a CLI command needs to work on this server's database (its provider; on PostgreSQL its connection string).</summary>
    public string[] DatabaseArguments
    {
        get
        {
            var configuration = Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
            return configuration["Database:ConnectionString"] is { Length: > 0 } connectionString
                ? ["--Database:Provider=" + configuration["Database:Provider"], "--Database:ConnectionString=" + connectionString]
                : ["--Database:Provider=" + configuration["Database:Provider"]];
        }
    }
    public IServiceProvider Services => _app.Services;

    private CallEventsHost(WebApplication app, Uri baseAddress, DemoTenantOut demo, string dataDirectory)
    {
        _app = app;
        BaseAddress = baseAddress;
        Demo = demo;
        DataDirectory = dataDirectory;
        Http = new HttpClient { BaseAddress = baseAddress };
    }

    /// <summary>
    /// A start step retried, like <c>serve</c>'s own schema check, when the database is
    /// unavailable for a moment. Npgsql times a connection open by the wall clock: on a fresh CI
    /// machine a clock step once expired the 15 s open timeout of a host started 3 s earlier, and
    /// the host failed a test that had nothing to do with connecting. Both steps are idempotent
    /// (migrations are recorded, the demo tenant is ensured). Real time, not the host's clock:
    /// some tests give the host a fake one.
    /// </summary>
    private static async Task<T> WhileUnavailableAsync<T>(Func<Task<T>> step)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception exception) when (attempt < 3 && DatabaseFaults.IsUnavailable(exception))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * attempt));
            }
        }
    }

    /// <param name="settings">Extra configuration, as <c>Section:Key=value</c>.</param>
    /// <param name="configureServices">Replacements, e.g. a fake TimeProvider.</param>
    public static async Task<CallEventsHost> StartAsync(IEnumerable<string>? settings = null, Action<IServiceCollection>? configureServices = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "callevents-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        string[] args =
        [
            "--urls=http://127.0.0.1:0",
            $"--DataDirectory={dataDirectory}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.AspNetCore=Error",
            ..TestDatabase.Settings(dataDirectory),
            ..(settings ?? []).Select(s => "--" + s),
        ];
        var builder = Program.CreateBuilder(args);
        configureServices?.Invoke(builder.Services);
        var app = Program.Build(builder);

        await WhileUnavailableAsync(async () =>
        {
            using var scope = app.Services.CreateScope();
            await SchemaGate.MigrateAsync(scope.ServiceProvider.GetRequiredService<CallEventsDb>(), CancellationToken.None);
            return true;
        });
        var demo = await WhileUnavailableAsync(async () =>
        {
            using var scope = app.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<DemoTenant>().EnsureAsync(CancellationToken.None);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new CallEventsHost(app, new Uri(address), demo, dataDirectory);
    }

    /// <summary>A fresh access token for one of the demo apps, from the real token endpoint.</summary>
    public async Task<string> TokenAsync(Func<DemoApps, global::CallEvents.OAuth.IssuedCredentials> app)
    {
        var credentials = app(Demo.Apps!);
        return await TokenAsync(credentials.ClientId, credentials.ClientSecret);
    }

    public async Task<string> TokenAsync(string clientId, string clientSecret)
    {
        using var response = await Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token request failed: {(int)response.StatusCode} {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>An HttpClient that sends <paramref name="token"/> as a bearer header.</summary>
    public HttpClient ClientWith(string token)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await TestDatabase.DropAsync(DataDirectory);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held by a pooled connection: the temp dir is cleaned by the OS
        }
    }
}
