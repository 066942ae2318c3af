using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>
/// A server, a loopback receiver, and clients with the demo Admin's and User's tokens: what a
/// delivery test needs. A derived fixture says how its server starts (its settings, its clock,
/// its resolver).
/// </summary>
public abstract class ReceiverHostFixture : IAsyncLifetime
{
    public CallEventsHost Host { get; private set; } = null!;
    public Receiver Receiver { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient User { get; private set; } = null!;

    protected abstract Task<CallEventsHost> StartHostAsync();

    public async Task InitializeAsync()
    {
        Host = await StartHostAsync();
        Receiver = await Receiver.StartAsync();
        await RenewTokensAsync();
    }

    /// <summary>Clients with fresh tokens (tokens are dated by the server's clock: a fake one moved by hours ends them).</summary>
    public async Task RenewTokensAsync()
    {
        Admin?.Dispose();
        User?.Dispose();
        Admin = Host.ClientWith(await Host.TokenAsync(a => a.Admin));
        User = Host.ClientWith(await Host.TokenAsync(a => a.User));
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
