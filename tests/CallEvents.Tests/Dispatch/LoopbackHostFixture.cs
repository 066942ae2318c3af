using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>One server per test class with loopback allowed as a destination (as in the README's demo), and a receiver.</summary>
public sealed class LoopbackHostFixture : ReceiverHostFixture
{
    protected override Task<CallEventsHost> StartHostAsync() => CallEventsHost.StartAsync(DispatchCalls.AllowLoopback);

    /// <summary>Removes every event of the user's extensions, so that each test starts clean.</summary>
    public async Task ResetAsync()
    {
        foreach (var extension in new[] { "0003*210", "0003*211" })
        {
            using var _ = await User.DeleteAsync(UapiCalls.Events("@me", extension));
        }
    }

}
