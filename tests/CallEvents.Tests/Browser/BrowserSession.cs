using System.Collections.Concurrent;
using System.Net;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CallEvents.Tests.Browser;

/// <summary>
/// One browser context (its own cookies) on the server under test, watched: every console
/// error (a Content-Security-Policy violation is one), every uncaught script error, and every
/// request for an address outside loopback, which is refused before it leaves and recorded.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public Uri BaseAddress { get; }
    public ConcurrentQueue<string> ConsoleErrors { get; } = new();
    public ConcurrentQueue<string> LeftLoopback { get; } = new();

    private BrowserSession(IBrowserContext context, IPage page, Uri baseAddress, ITestOutputHelper output)
    {
        Context = context;
        Page = page;
        BaseAddress = baseAddress;
        _output = output;
    }

    public static async Task<BrowserSession> OpenAsync(BrowserFixture browser, Uri baseAddress, ITestOutputHelper output)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-US",
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page, baseAddress, output);
        await context.RouteAsync("**/*", async route =>
        {
            if (IsLoopback(route.Request.Url))
            {
                await route.ContinueAsync();
            }
            else
            {
                session.LeftLoopback.Enqueue(route.Request.Method + " " + route.Request.Url);
                await route.AbortAsync("addressunreachable");
            }
        });
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session.ConsoleErrors.Enqueue($"{message.Location}: {message.Text}");
            }
        };
        page.PageError += (_, error) => session.ConsoleErrors.Enqueue("uncaught: " + error);
        return session;
    }

    /// <summary>Goes to <paramref name="path"/> on the server and returns the answer's status.</summary>
    public async Task<int> GoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        return response?.Status ?? 0;
    }

    /// <summary>A full-page screenshot in the test output's screenshot folder; its path goes to the test log.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Screenshots.PathFor(name);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        _output.WriteLine("screenshot: " + path);
        return path;
    }

    /// <summary>Nothing went wrong in the browser: no console error, no script error, nothing outside loopback.</summary>
    public void AssertClean()
    {
        Assert.True(ConsoleErrors.IsEmpty, "console errors:\n" + string.Join("\n", ConsoleErrors));
        Assert.True(LeftLoopback.IsEmpty, "requests outside loopback:\n" + string.Join("\n", LeftLoopback));
    }

    private static bool IsLoopback(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps
            && uri.Scheme != Uri.UriSchemeWs && uri.Scheme != Uri.UriSchemeWss))
        {
            return true; // data:, blob: and the like never reach the network
        }
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
