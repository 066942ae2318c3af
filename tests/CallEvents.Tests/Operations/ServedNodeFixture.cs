using System.Net.Http.Headers;
using System.Text.Json;
using CallEvents.Tests.Dispatch;

namespace CallEvents.Tests.Operations;

/// <summary>
/// The built <c>callevents serve</c> as a process of its own (loopback allowed as a destination,
/// as in the README's demo), its demo apps' tokens, and a receiver. Metrics are scraped from a
/// process of their own, with one host as in production: in this test process other test classes
/// start and stop in-process hosts all the time, their per-host meters (ASP.NET Core's,
/// QueueGauges') carry the same names, and a scrape of an in-process host was seen to lose those
/// families once another host had stopped.
/// </summary>
public sealed class ServedNodeFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "callevents-tests", "served-" + Guid.NewGuid().ToString("N"));
    private ServerProcess? _server;

    public HttpClient Http { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient User { get; private set; } = null!;
    public Receiver Receiver { get; private set; } = null!;
    public string UserClientId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_data);
        var demo = await ServerProcess.DemoAsync(_data);
        _server = await ServerProcess.StartAsync(_data, ServerProcess.FreePort(), "--Delivery:AllowedNetworks:0=127.0.0.0/8", "--Delivery:RetryJitter=0");
        Http = new HttpClient { BaseAddress = _server.BaseAddress };
        var apps = demo.GetProperty("apps");
        Admin = await ClientAsync(apps.GetProperty("admin"));
        User = await ClientAsync(apps.GetProperty("user"));
        UserClientId = apps.GetProperty("user").GetProperty("clientId").GetString()!;
        Receiver = await Receiver.StartAsync();
    }

    private async Task<HttpClient> ClientAsync(JsonElement app)
    {
        using var response = await Http.PostAsync("/oauth/token.php", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = app.GetProperty("clientId").GetString()!,
            ["client_secret"] = app.GetProperty("clientSecret").GetString()!,
        }));
        var token = (await Infrastructure.UapiCalls.ReadJsonAsync(response)).GetProperty("access_token").GetString()!;
        var client = new HttpClient { BaseAddress = Http.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        Admin?.Dispose();
        User?.Dispose();
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
        _server?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
