using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CallEvents.Tests.Browser;

/// <summary>
/// One browser context (its own cookies) on the server under test, watched: every console
/// error (a Content-Security-Policy violation is one), every uncaught script error, and every
/// request for an address outside loopback, which is refused before it leaves and recorded.
/// </summary>
public sealed partial class BrowserSession : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;

    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public Uri BaseAddress { get; }
    private readonly ConcurrentQueue<(string Location, string Text)> _errors = new();
    private readonly ConcurrentDictionary<string, bool> _documents = new();
    private readonly ConcurrentQueue<string> _visited = new();
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
        context.SetDefaultTimeout(30_000);
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
        session.Watch(page);
        return session;
    }

    /// <summary>Another tab in this session's context, watched like the first.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        Watch(page);
        return page;
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _errors.Enqueue((message.Location, message.Text));
            }
        };
        page.PageError += (_, error) => _errors.Enqueue(("", "uncaught: " + error));
        page.Response += (_, response) =>
        {
            if (response.Request.ResourceType == "document")
            {
                _documents[response.Url] = true;
                _visited.Enqueue($"{response.Request.Method} {response.Url} -> {response.Status}");
            }
        };
    }

    /// <summary>
    /// The console errors, less Chromium's note of a page's own 4xx status (a test that goes to
    /// another tenant's extension asserts that status itself): a failed script, stylesheet or
    /// fetch, and every policy violation, still count.
    /// </summary>
    public IReadOnlyList<string> ConsoleErrors =>
        [.. _errors.Where(e => !(e.Text.StartsWith("Failed to load resource: the server responded with a status of 4", StringComparison.Ordinal)
                && _documents.ContainsKey(LineAndColumn().Replace(e.Location, ""))))
            .Select(e => $"{e.Location}: {e.Text}")];

    /// <summary>Every page this session's tabs loaded, in order, as "METHOD url -> status": where a flow went when it did not arrive.</summary>
    public IReadOnlyList<string> Visited => [.. _visited];

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
        Assert.True(ConsoleErrors.Count == 0, "console errors:\n" + string.Join("\n", ConsoleErrors));
        Assert.True(LeftLoopback.IsEmpty, "requests outside loopback:\n" + string.Join("\n", LeftLoopback));
    }

    [GeneratedRegex(@":\d+:\d+$")]
    private static partial Regex LineAndColumn();

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
