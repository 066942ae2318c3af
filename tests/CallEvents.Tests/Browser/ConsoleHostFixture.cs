using CallEvents.Tests.Dispatch;

namespace CallEvents.Tests.Browser;

/// <summary>
/// The console's server, with loopback allowed as a hook destination (this class's receiver
/// listens on 127.0.0.1; never on a server tenants use), and that receiver.
/// </summary>
public sealed class ConsoleHostFixture : BrowserHostFixture
{
    private Receiver? _receiver;

    public Receiver Receiver => _receiver ?? throw new InvalidOperationException("The receiver has not started.");

    protected override IEnumerable<string> Settings => DispatchCalls.AllowLoopback;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        if (Chromium.SkipReason is null)
        {
            _receiver = await Receiver.StartAsync();
        }
    }

    public override async Task DisposeAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
        await base.DisposeAsync();
    }
}
