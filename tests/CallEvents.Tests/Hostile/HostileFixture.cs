using System.Net;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// The real server for hostile input: its shipped logging levels (appsettings.json: Information,
/// Microsoft.AspNetCore and OpenIddict at Warning; the application's own categories at Debug,
/// stricter still), every line captured in memory; the sender off, so that nothing a fuzzed
/// request registers is ever delivered anywhere; a real token of each kind of app; and one
/// event with one queued delivery, so that the routes below an event id reach their handlers.
/// </summary>
public sealed class HostileFixture : IAsyncLifetime
{
    public const string Extension = "0003*210";

    private CallEventsHost? _host;

    public CapturedLogs Logs { get; } = new();

    public CallEventsHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public DatabaseSnapshot Database { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";
    public string OrganizationToken { get; private set; } = "";
    public string UserToken { get; private set; } = "";

    public string EventId { get; private set; } = "";
    public string DeliveryId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _host = await CallEventsHost.StartAsync(
            [
                "Logging:LogLevel:Default=Information",
                "Logging:LogLevel:Microsoft.AspNetCore=Warning",
                "Logging:LogLevel:CallEvents=Debug",
                "Delivery:SenderEnabled=false",
            ],
            services =>
            {
                services.RemoveAll<ILoggerProvider>();
                services.AddSingleton<ILoggerProvider>(Logs);
            });
        Database = DatabaseSnapshot.Of(Host.Services);
        AdminToken = await Host.TokenAsync(a => a.Admin);
        OrganizationToken = await Host.TokenAsync(a => a.Organization);
        UserToken = await Host.TokenAsync(a => a.User);
        await EnsureEventAsync();
    }

    /// <summary>
    /// The event (and its queued delivery) the routes below an event id are aimed at; made again
    /// if a fuzzed request that was a valid delete removed it.
    /// </summary>
    public async Task EnsureEventAsync()
    {
        using var user = Host.ClientWith(UserToken);
        using var get = await user.GetAsync(UapiCalls.Events("@me", Extension, "0", EventId.Length > 0 ? EventId : "none"));
        if (get.StatusCode == HttpStatusCode.OK)
        {
            return;
        }
        EventId = await UapiCalls.CreateAsync(user, "@me", Extension, type: 0, url: "https://crm.example.com/hooks/calls");
        using var admin = Host.ClientWith(AdminToken);
        using var intake = await admin.PostAsync("/pbx/callEvents", UapiCalls.Json($$"""{"event":"dial-in","callId":"hostile-1","extension":"{{Extension}}"}"""));
        Assert.Equal(HttpStatusCode.Accepted, intake.StatusCode);
        DeliveryId = await Database.FirstAsync($"SELECT id FROM deliveries WHERE event_id = '{EventId}'")
            ?? throw new InvalidOperationException("The intake queued no delivery.");
    }

    /// <summary>
    /// Sends <paramref name="request"/> over a connection of its own and asserts what holds for
    /// every request, whatever it is: if refused (a 4xx) it changed nothing in the database, and
    /// the server logged at most one line for it, never an error, never an exception.
    /// </summary>
    public Task<RawHttp.Response> SendAsync(HostileRequest request) =>
        SendAsync(RawHttp.Request(Host.BaseAddress, request.Method, request.Target, request.Headers, request.Body, request.ChunkSize));

    /// <inheritdoc cref="SendAsync(HostileRequest)"/>
    public async Task<RawHttp.Response> SendAsync(byte[] request)
    {
        var before = await Database.TakeAsync();
        var mark = Logs.Count;
        var response = await RawHttp.SendAsync(Host.BaseAddress, request);
        var lines = Logs.Since(mark);
        var after = await Database.TakeAsync();
        // Refused: a 4xx. A redirect is not a refusal (the console's first sign-in registers the console app, then redirects).
        Assert.True(response.Status is >= 200 and < 400 || before == after, $"a refused request ({response}) changed the database:\n{before}\n{after}");
        Assert.True(lines.Count <= 1, $"{lines.Count} log lines for one request ({response}):\n{string.Join('\n', lines)}");
        Assert.DoesNotContain(lines, line => line.Level >= LogLevel.Error || line.Exception is not null);
        return response;
    }

    /// <summary>A request as the tests below write it: headers by name, a body as text.</summary>
    public static HostileRequest Request(RouteKind kind, string method, string target, string? body = null, string? contentType = null,
        string? authorization = null, int chunkSize = 0)
    {
        var headers = new List<KeyValuePair<string, string>>();
        if (authorization is not null)
        {
            headers.Add(new("Authorization", authorization));
        }
        if (contentType is not null)
        {
            headers.Add(new("Content-Type", contentType));
        }
        return new HostileRequest(kind, method, target, headers, body is null ? null : System.Text.Encoding.UTF8.GetBytes(body), chunkSize, false);
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
