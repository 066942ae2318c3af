using System.Net;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallEvents.Tests.OAuth;

/// <summary>A server whose clock the test moves: OpenIddict's server, validation and core take the container's TimeProvider.</summary>
public sealed class FakeClockFixture : IAsyncLifetime
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);
    public CallEventsHost Host { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Host = await CallEventsHost.StartAsync(configureServices: services => services.AddSingleton<TimeProvider>(Clock));

    public async Task DisposeAsync() => await Host.DisposeAsync();
}

/// <summary>Contract §3: a token lives one hour; after that it is access_denied, without waiting an hour.</summary>
public sealed class TokenExpiryTests(FakeClockFixture fixture) : IClassFixture<FakeClockFixture>
{
    [Fact]
    public async Task ATokenWorksForItsHourAndIsAccessDeniedAfterIt()
    {
        var host = fixture.Host;
        var token = await host.TokenAsync(a => a.User);
        using var client = host.ClientWith(token);
        const string events = "/uapi/extensions/@me/0003*210/phoneCallEvents";

        fixture.Clock.Advance(TimeSpan.FromMinutes(59));
        using (var stillValid = await client.GetAsync(events))
        {
            Assert.Equal(HttpStatusCode.OK, stillValid.StatusCode);
        }

        fixture.Clock.Advance(TimeSpan.FromMinutes(2));
        using (var expired = await client.GetAsync(events))
        {
            await UapiCalls.AssertErrorAsync(expired, HttpStatusCode.Unauthorized, "access_denied");
        }
        using (var viaQuery = await host.Http.GetAsync($"{events}?accessRequestToken=Bearer%20{token}"))
        {
            await UapiCalls.AssertErrorAsync(viaQuery, HttpStatusCode.Unauthorized, "access_denied");
        }

        // The app simply asks for a new one.
        using var renewed = host.ClientWith(await host.TokenAsync(a => a.User));
        using var works = await renewed.GetAsync(events);
        Assert.Equal(HttpStatusCode.OK, works.StatusCode);
    }
}
