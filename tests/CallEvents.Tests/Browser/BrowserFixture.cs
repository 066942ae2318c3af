using Microsoft.Playwright;

namespace CallEvents.Tests.Browser;

/// <summary>Playwright's driver and one headless Chromium, started once for the browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(Chromium.MissingMessage);

    public async Task InitializeAsync()
    {
        // Skipped tests still get their collection's fixture: start nothing for them.
        if (Chromium.SkipReason is not null)
        {
            return;
        }
        if (!Chromium.IsInstalled)
        {
            throw new InvalidOperationException($"{Chromium.RequireVariable}=1 and {Chromium.MissingMessage}");
        }
        // A loaded two-core machine: waits for what a page shows are generous, never a measure.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath,
            Headless = true,
            Args = Chromium.Arguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
    }
}
