using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>One server per test class with loopback allowed as a destination (as in the README's demo), and a receiver.</summary>
public sealed class LoopbackHostFixture : IAsyncLifetime
{
    public CallEventsHost Host { get; private set; } = null!;
    public Receiver Receiver { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient User { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await CallEventsHost.StartAsync(DispatchCalls.AllowLoopback);
        Receiver = await Receiver.StartAsync();
        Admin = Host.ClientWith(await Host.TokenAsync(a => a.Admin));
        User = Host.ClientWith(await Host.TokenAsync(a => a.User));
    }

    /// <summary>Removes every event of the user's extensions, so that each test starts clean.</summary>
    public async Task ResetAsync()
    {
        foreach (var extension in new[] { "0003*210", "0003*211" })
        {
            using var _ = await User.DeleteAsync(UapiCalls.Events("@me", extension));
        }
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        User?.Dispose();
        if (Receiver is not null)
        {
            await Receiver.DisposeAsync();
        }
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
