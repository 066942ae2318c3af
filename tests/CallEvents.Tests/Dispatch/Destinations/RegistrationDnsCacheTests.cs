using System.Net;
using CallEvents.Dispatch;
using CallEvents.Dispatch.Destinations;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CallEvents.Tests.Dispatch.Destinations;

/// <summary>
/// <see cref="RegistrationDns"/>'s cache on a clock the test moves: how long answers are kept,
/// and what happens when it is full. A budget of zero: a check takes what is there at once.
/// </summary>
public sealed class RegistrationDnsCacheTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ScriptedResolver _resolver = new();

    private RegistrationDns Dns(int size = 100) => new(_resolver.LookupAsync, Options.Create(new DeliveryOptions
    {
        RegistrationDnsBudget = TimeSpan.Zero,
        RegistrationDnsCacheTtl = TimeSpan.FromSeconds(30),
        RegistrationDnsCacheSize = size,
    }), _clock);

    [Fact]
    public async Task AnAnswerIsKeptForTheTtlAndLookedUpAgainAfterIt()
    {
        var dns = Dns();
        _resolver.Answer("kept.example.test", IPAddress.Parse("8.8.8.8"));

        Assert.Equal([IPAddress.Parse("8.8.8.8")], await dns.ResolveAsync("kept.example.test", default));
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal([IPAddress.Parse("8.8.8.8")], await dns.ResolveAsync("KEPT.example.test", default));
        Assert.Equal(1, _resolver.Calls("kept.example.test"));

        _resolver.Answer("kept.example.test", IPAddress.Parse("10.0.0.1"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal([IPAddress.Parse("10.0.0.1")], await dns.ResolveAsync("kept.example.test", default));
        Assert.Equal(2, _resolver.Calls("kept.example.test"));
    }

    [Fact]
    public async Task ANameThatDoesNotResolveIsKeptAsUnresolvedForTheTtl()
    {
        var dns = Dns();
        Assert.Null(await dns.ResolveAsync("missing.example.test", default));
        Assert.Null(await dns.ResolveAsync("missing.example.test", default));
        Assert.Equal(1, _resolver.Calls("missing.example.test"));

        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(await dns.ResolveAsync("missing.example.test", default));
        Assert.Equal(2, _resolver.Calls("missing.example.test"));
    }

    [Fact]
    public async Task WhenTheCacheIsFullOfAnswersANewNameTakesThePlaceOfOldOnes()
    {
        var dns = Dns(size: 2);
        _resolver.Answer("a.example.test", IPAddress.Parse("8.8.8.8"));
        _resolver.Answer("b.example.test", IPAddress.Parse("8.8.4.4"));
        _resolver.Answer("c.example.test", IPAddress.Parse("9.9.9.9"));
        await dns.ResolveAsync("a.example.test", default);
        await dns.ResolveAsync("b.example.test", default);

        Assert.Equal([IPAddress.Parse("9.9.9.9")], await dns.ResolveAsync("c.example.test", default));
        await dns.ResolveAsync("a.example.test", default);
        Assert.Equal(2, _resolver.Calls("a.example.test"));
    }

    [Fact]
    public async Task WhenTheCacheIsFullOfRunningLookupsANewNameIsNotLookedUpAndCountsAsUnresolved()
    {
        var dns = Dns(size: 2);
        _resolver.Hang("a.example.test");
        _resolver.Hang("b.example.test");
        _resolver.Answer("c.example.test", IPAddress.Parse("10.0.0.1"));
        Assert.Null(await dns.ResolveAsync("a.example.test", default));
        Assert.Null(await dns.ResolveAsync("b.example.test", default));

        Assert.Null(await dns.ResolveAsync("c.example.test", default));
        Assert.Equal(0, _resolver.Calls("c.example.test"));
    }
}
