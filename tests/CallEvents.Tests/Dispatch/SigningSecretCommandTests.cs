using System.Diagnostics;
using System.Text.Json;

namespace CallEvents.Tests.Dispatch;

/// <summary>The operator's side of signing secrets: <c>demo --json</c>, <c>apps signing-secret</c>, <c>apps rotate-signing-secret</c>.</summary>
public sealed class SigningSecretCommandTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "callevents-tests", "cli-" + Guid.NewGuid().ToString("N"));

    public SigningSecretCommandTests() => Directory.CreateDirectory(_data);

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

    [Fact]
    public async Task TheDemoPrintsEachAppsSigningSecretWhichTheCommandLineShowsAndRotates()
    {
        var demo = await ServerProcess.DemoAsync(_data);
        var user = demo.GetProperty("apps").GetProperty("user");
        var secret = user.GetProperty("signingSecret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.NotEqual(secret, demo.GetProperty("apps").GetProperty("admin").GetProperty("signingSecret").GetString());
        var clientId = user.GetProperty("clientId").GetString()!;

        var shown = await RunJsonAsync("apps", "signing-secret", "--client-id", clientId, "--json");
        Assert.Equal(secret, shown.GetProperty("signingSecret").GetString());

        var rotated = await RunJsonAsync("apps", "rotate-signing-secret", "--client-id", clientId, "--json");
        Assert.NotEqual(secret, rotated.GetProperty("signingSecret").GetString());
        Assert.Equal(secret, rotated.GetProperty("previousSigningSecret").GetString());
    }

    private async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        using var process = Process.Start(ServerProcess.Command(_data, args))!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output} {await process.StandardError.ReadToEndAsync()}");
        using var json = JsonDocument.Parse(output.Split('\n').First(l => l.StartsWith('{')));
        return json.RootElement.Clone();
    }
}
