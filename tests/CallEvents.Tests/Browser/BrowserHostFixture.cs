using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Browser;

/// <summary>
/// The server under a browser test class: the real one with the demo tenant, started only when
/// the browser tests run (a skipped class still gets its fixtures).
/// </summary>
public class BrowserHostFixture : IAsyncLifetime
{
    private CallEventsHost? _host;

    public CallEventsHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>Extra configuration of this class's server, as <c>Section:Key=value</c>.</summary>
    protected virtual IEnumerable<string> Settings => [];

    public virtual async Task InitializeAsync()
    {
        if (Chromium.SkipReason is null)
        {
            _host = await CallEventsHost.StartAsync(Settings);
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
