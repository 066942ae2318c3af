namespace CallEvents.Tests.Infrastructure;

/// <summary>One fresh server (and database) per test class.</summary>
public sealed class HostFixture : IAsyncLifetime
{
    private CallEventsHost? _host;

    public CallEventsHost Host => _host ?? throw new InvalidOperationException("The host has not started.");

    public async Task InitializeAsync() => _host = await CallEventsHost.StartAsync();

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
