using CallEvents.Demo;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CallEvents.Tests.Browser;

/// <summary>
/// The server under a browser test class: the real one with the demo tenant and its demo logins, started only when
/// the browser tests run (a skipped class still gets its fixtures).
/// </summary>
public class BrowserHostFixture : IAsyncLifetime
{
    private CallEventsHost? _host;

    public CallEventsHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    /// <summary>
    /// The server's log, kept for a test that fails to print: its warnings, and why a sign-in was
    /// refused or did not complete (the authentication handlers' and OpenIddict's information
    /// lines, which the console sink leaves out).
    /// </summary>
    public CapturedLogs Logs { get; } = new();

    private static readonly string[] LogLevels =
    [
        "Logging:LogLevel:Microsoft.AspNetCore.Authentication=Information",
        "Logging:LogLevel:OpenIddict=Information",
        "Logging:Console:LogLevel:Default=Warning",
    ];

    /// <summary>Extra configuration of this class's server, as <c>Section:Key=value</c>.</summary>
    protected virtual IEnumerable<string> Settings => [];

    public virtual async Task InitializeAsync()
    {
        if (Chromium.SkipReason is null)
        {
            _host = await CallEventsHost.StartAsync([.. LogLevels, .. Settings], services => services.AddSingleton<ILoggerProvider>(Logs));
            // As `serve` does when it seeds a new embedded database: the demo logins' documented passwords.
            await using var scope = _host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoTenant>().SetDemoPasswordsAsync(CancellationToken.None);
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
