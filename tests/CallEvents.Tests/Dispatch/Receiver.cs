using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Dispatch;

/// <summary>A request as it arrived at the receiver: raw target, headers and body bytes.</summary>
public sealed record ReceivedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : "";

    public string BodyText => System.Text.Encoding.UTF8.GetString(Body);

    public string Query => RawTarget.Contains('?', StringComparison.Ordinal) ? RawTarget[(RawTarget.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";

    public string Parameter(string name) =>
        (Method == "GET" ? Query : BodyText).Split('&').Select(p => p.Split('=', 2)).First(p => p[0] == name)[1];
}

/// <summary>
/// A real HTTP receiver: Kestrel on 127.0.0.1, port 0. It records every request and answers
/// what <see cref="Respond"/> says (200 by default).
/// </summary>
public sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<ReceivedRequest> _received = Channel.CreateUnbounded<ReceivedRequest>();

    public ConcurrentQueue<ReceivedRequest> All { get; } = new();
    public Func<ReceivedRequest, HttpContext, Task> Respond { get; set; } = (_, context) => { context.Response.StatusCode = 200; return Task.CompletedTask; };
    public Uri BaseAddress { get; private set; } = null!;
    public int Port => BaseAddress.Port;

    private Receiver(WebApplication app) => _app = app;

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            var request = new ReceivedRequest(context.Request.Method, context.Features.Get<IHttpRequestFeature>()!.RawTarget, headers, body.ToArray());
            receiver.All.Enqueue(request);
            await receiver._received.Writer.WriteAsync(request);
            await receiver.Respond(request, context);
        });
        await app.StartAsync();
        receiver.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    public string Url(string pathAndQuery) => BaseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery;

    /// <summary>The next request, or a failed test after <paramref name="seconds"/>.</summary>
    public async Task<ReceivedRequest> NextAsync(int seconds = 20)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        try
        {
            return await _received.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no request arrived at the receiver within {seconds} s");
        }
    }

    /// <summary>Whether another request arrives within <paramref name="milliseconds"/> (for "nothing more was sent").</summary>
    public async Task<bool> AnyMoreAsync(int milliseconds)
    {
        using var timeout = new CancellationTokenSource(milliseconds);
        try
        {
            await _received.Reader.WaitToReadAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
