using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CallEvents.Tests.Dispatch;

namespace CallEvents.Tests.Operations;

/// <summary>
/// The documented JSON log format, on the real executable's console: one JSON object per line, and
/// the request line's fields (never the query) under State.
/// </summary>
public sealed class JsonLogFormatTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "callevents-tests", "jsonlog-" + Guid.NewGuid().ToString("N"));

    public JsonLogFormatTests() => Directory.CreateDirectory(_data);

    [Fact]
    public async Task WithTheJsonFormatterEachRequestIsOneJsonLineWithItsFieldsAndWithoutItsQuery()
    {
        var port = ServerProcess.FreePort();
        var start = ServerProcess.Command(_data, "serve", "--urls", $"http://127.0.0.1:{port}",
            "--Logging:Console:FormatterName=json", "--Logging:LogLevel:CallEvents.Requests=Information");
        var stdout = new ConcurrentQueue<string>();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) stdout.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitAsync(async () =>
            {
                try
                {
                    using var ready = await http.GetAsync("/readyz");
                    return ready.StatusCode == HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return false; // not listening yet
                }
            });
            const string path = "/uapi/extensions/@me/0003*210/phoneCallEvents";
            using (var unauthorized = await http.GetAsync(path + "?accessRequestToken=Bearer%20query-secret-5d2b"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
            }

            JsonElement? line = null;
            await WaitAsync(() =>
            {
                line = stdout.Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone())
                    .Where(l => l.GetProperty("Category").GetString() == "CallEvents.Requests")
                    .Where(l => l.GetProperty("State").GetProperty("Path").GetString() == path)
                    .Select(l => (JsonElement?)l).FirstOrDefault(); // nullable: a struct's default would end the wait at once
                return Task.FromResult(line is not null);
            });

            var state = line!.Value.GetProperty("State");
            Assert.Equal("Information", line.Value.GetProperty("LogLevel").GetString());
            Assert.Equal("GET", state.GetProperty("Method").GetString());
            Assert.Equal(401, state.GetProperty("StatusCode").GetInt32());
            Assert.True(state.GetProperty("ElapsedMs").GetDouble() >= 0);
            Assert.Matches("^[0-9a-f]{32}$", state.GetProperty("TraceId").GetString());
            Assert.All(stdout.Where(l => l.StartsWith('{')), l => JsonDocument.Parse(l).Dispose()); // every log line is JSON
            Assert.DoesNotContain(stdout, l => l.Contains("query-secret-5d2b", StringComparison.Ordinal));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Every 100 ms until true, at most 30 s.</summary>
    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        // Generous: a separate process's log on a loaded 2-core machine.
        for (var i = 0; i < 900; i++)
        {
            if (await done())
            {
                return;
            }
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException("not within 90 s");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
