using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Cli;

public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>
/// The built <c>callevents</c> executable, run as a child process the way an operator or a
/// script runs it, on a data directory of the test's own.
/// </summary>
public static class Cli
{
    public static Task<CliResult> RunAsync(string dataDirectory, params string[] args) =>
        RunProcessAsync(dataDirectory, [.. args, $"--DataDirectory={dataDirectory}"], environment: null);

    /// <summary>As <see cref="RunAsync"/>, with <paramref name="input"/> on its standard input.</summary>
    public static Task<CliResult> RunWithInputAsync(string dataDirectory, string input, params string[] args) =>
        RunProcessAsync(dataDirectory, [.. args, $"--DataDirectory={dataDirectory}"], environment: null, input);

    /// <summary>
    /// Runs <c>callevents</c> with exactly <paramref name="args"/>, in <paramref name="workingDirectory"/>,
    /// with <paramref name="environment"/> set on top of this process's (a null value removes a variable).
    /// </summary>
    public static async Task<CliResult> RunProcessAsync(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment,
        string? input = null)
    {
        var assembly = typeof(Program).Assembly.Location; // callevents.dll, next to the tests
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory, // as an operator would: anywhere but beside the executable
        };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using var process = Process.Start(start)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"callevents {string.Join(' ', args)} did not finish in 90 s");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    public static string NewDataDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "callevents-tests", "cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Every row of every table, as text: two equal dumps mean nothing was written.</summary>
    public static string DumpDatabase(string dataDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "callevents.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var dump = new StringBuilder();
        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY rowid";
            using var reader = select.ExecuteReader();
            dump.Append("## ").AppendLine(table);
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append(reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append('|');
                }
                dump.AppendLine();
            }
        }
        return dump.ToString();
    }
}

/// <summary>The real server on an existing data directory (what <c>callevents serve</c> would serve), on a loopback port.</summary>
public sealed class ServerOn : IAsyncDisposable
{
    private readonly WebApplication _app;

    public HttpClient Http { get; }

    private ServerOn(WebApplication app, Uri address)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = address };
    }

    public static async Task<ServerOn> StartAsync(string dataDirectory)
    {
        var app = Program.Build(Program.CreateBuilder(
            ["--urls=http://127.0.0.1:0", $"--DataDirectory={dataDirectory}", "--Logging:LogLevel:Default=Warning", "--Database:Provider=Sqlite"]));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServerOn(app, new Uri(address));
    }

    public async Task<HttpResponseMessage> TokenResponseAsync(string clientId, string clientSecret) =>
        await Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));

    public async Task<string> TokenAsync(string clientId, string clientSecret)
    {
        using var response = await TokenResponseAsync(clientId, clientSecret);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token: {(int)response.StatusCode} {body}");
        using var json = System.Text.Json.JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    public HttpClient ClientWith(string token)
    {
        var client = new HttpClient { BaseAddress = Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
