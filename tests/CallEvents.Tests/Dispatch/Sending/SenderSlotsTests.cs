using CallEvents.Dispatch;
using CallEvents.Dispatch.Sending;

namespace CallEvents.Tests.Dispatch.Sending;

/// <summary>
/// The per-destination hold of <see cref="SenderSlots"/>, which the black-box tests cannot see (a
/// delivery refused here goes back to the queue unlogged): a destination holds at most twice its
/// limit, sending and waiting together, host names compared without case, and a place frees as
/// one of its requests ends or a waiting one is dropped.
/// </summary>
public sealed class SenderSlotsTests
{
    private static readonly DeliveryOptions Options = new() { MaxConcurrency = 8, MaxConcurrencyPerDestination = 2, MaxConcurrencyPerTenant = 8 };
    private long _seq;

    private DeliveryPipeline.Ready Ready(string destination, long leaseUntil = long.MaxValue) =>
        new(new DeliveryPipeline.Claimed(++_seq, $"d{_seq}", $"e{_seq}", $"c{_seq}", "dial-in", "", 0, 0) { Lease = ("node", leaseUntil) },
            new DeliveryHook($"h{_seq}", 1, $"http://{destination}/hook", 1, null, "tenant"), [], destination);

    [Fact]
    public void ADestinationHoldsTwiceItsLimitSendingAndWaitingWhateverTheCaseOfItsName()
    {
        var slots = new SenderSlots(Options);
        Assert.True(slots.TryAdd(Ready("crm.example.com:80")));
        Assert.True(slots.TryAdd(Ready("CRM.example.com:80")));
        Assert.Equal(2, slots.TakeStartable(0, 0).Count); // its limit: both sending
        Assert.True(slots.TryAdd(Ready("crm.example.com:80")));
        Assert.True(slots.TryAdd(Ready("crm.EXAMPLE.com:80")));
        Assert.False(slots.TryAdd(Ready("crm.example.com:80"))); // 2 sending + 2 waiting
        Assert.True(slots.TryAdd(Ready("other.example.com:80")));
        var started = slots.TakeStartable(0, 0);
        Assert.Equal("other.example.com:80", Assert.Single(started).Destination); // the waiting two wait for a place
    }

    [Fact]
    public void APlaceFreesWhenARequestEndsAndAWaitingOneStartsOrWhenAWaitingOneIsDropped()
    {
        var slots = new SenderSlots(Options);
        var sending = Enumerable.Range(0, 2).Select(_ => Ready("crm.example.com:80")).ToList();
        sending.ForEach(r => Assert.True(slots.TryAdd(r)));
        Assert.Equal(2, slots.TakeStartable(0, 0).Count);
        Assert.True(slots.TryAdd(Ready("crm.example.com:80", leaseUntil: 100)));
        Assert.True(slots.TryAdd(Ready("crm.example.com:80")));
        Assert.False(slots.TryAdd(Ready("crm.example.com:80")));

        // A request ends; the waiting one with a fresh lease starts (the other's lease is half
        // gone: dropped), so one sends and none waits beside the one still sending.
        slots.EndRequest(sending[0], recording: false, answeredAt: null);
        var started = slots.TakeStartable(freshUntil: 1_000, now: 0);
        Assert.Single(started);
        Assert.True(slots.TryAdd(Ready("crm.example.com:80")));
        Assert.True(slots.TryAdd(Ready("crm.example.com:80")));
        Assert.False(slots.TryAdd(Ready("crm.example.com:80")));
    }
}
