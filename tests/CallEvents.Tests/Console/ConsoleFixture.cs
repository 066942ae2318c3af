using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Console;

/// <summary>
/// One server per test class with the demo tenant, passwords for its people, and deliveries
/// allowed to loopback (the console's live log is watched against a real receiver).
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string Password = "console-password-1";

    private CallEventsHost? _host;

    public CallEventsHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync()
    {
        _host = await CallEventsHost.StartAsync(DispatchCalls.AllowLoopback);
        var ids = Demo.DemoTenant.Ids;
        foreach (var account in new[] { ids.Admin, ids.Organization, ids.User, ids.Colleague, ids.OtherUser })
        {
            await ConsoleBrowser.SetPasswordAsync(_host, account, Password);
        }
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    /// <summary>A browser signed in as <paramref name="account"/>.</summary>
    public async Task<ConsoleBrowser> SignedInAsync(string account)
    {
        var browser = new ConsoleBrowser(Host);
        await browser.SignInAsync(account, Password);
        return browser;
    }
}
