using System.Net;
using CallEvents.Dispatch.Destinations;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Dispatch.Destinations;

/// <summary>
/// Names at create/update, resolved by a scripted resolver: a lookup that hangs costs a request
/// the budget and no more, checks of one name share one lookup and its cached answer, names do
/// not wait for each other, and a name accepted unresolved is still refused when the sender
/// connects. Loopback is not allowed on this server; the only hook delivered to names the
/// loopback receiver.
/// </summary>
public sealed class RegistrationDnsTests(RegistrationDnsTests.Fixture fixture) : IClassFixture<RegistrationDnsTests.Fixture>
{
    private const string Extension = "0003*210";

    public sealed class Fixture : ReceiverHostFixture
    {
        public ScriptedResolver Resolver { get; } = new();

        // The lookup timeout is far beyond the test's bound: only the budget can end a wait on a hung lookup.
        protected override Task<CallEventsHost> StartHostAsync() => CallEventsHost.StartAsync(
            ["Delivery:RegistrationDnsBudget=00:00:01", "Delivery:RegistrationLookupTimeout=00:01:00", "Delivery:RetryJitter=0"],
            services => services.AddSingleton<HostLookup>(Resolver.LookupAsync));
    }

    [Fact]
    public async Task ANameWhoseLookupHangsIsAcceptedAtCreateAndUpdateAfterTheBudget()
    {
        fixture.Resolver.Hang("hangs.example.test");
        fixture.Resolver.Hang("hangs-too.example.test");

        using var create = await WithinAsync(CreateAsync("https://hangs.example.test/x"));
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var id = (await UapiCalls.IdsAsync(create)).Single();
        using var update = await WithinAsync(UapiCalls.PutJsonAsync(fixture.User, UapiCalls.Events("@me", Extension, "0", id), new { url = "https://hangs-too.example.test/y" }));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        await DeleteAsync(id);
    }

    [Fact]
    public async Task ANameThatResolvesToAPrivateAddressIsPceUrlInvalidAtCreateAndUpdate()
    {
        fixture.Resolver.Answer("private.example.test", IPAddress.Parse("10.1.2.3"));
        fixture.Resolver.Answer("partly-private.example.test", IPAddress.Parse("8.8.8.8"), IPAddress.Parse("192.168.1.1"));
        fixture.Resolver.Answer("mapped-loopback.example.test", IPAddress.Parse("::ffff:127.0.0.1"));
        fixture.Resolver.Answer("public.example.test", IPAddress.Parse("8.8.8.8"));
        var id = (await UapiCalls.IdsAsync(await CreateAsync("https://public.example.test/ok"))).Single();

        foreach (var host in new[] { "private.example.test", "partly-private.example.test", "mapped-loopback.example.test" })
        {
            using var create = await CreateAsync($"https://{host}/x");
            await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "pce_url_invalid");
            using var update = await UapiCalls.PutJsonAsync(fixture.User, UapiCalls.Events("@me", Extension, "0", id), new { url = $"https://{host}/y" });
            await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, "pce_url_invalid");
        }
        await DeleteAsync(id);
    }

    [Fact]
    public async Task ConcurrentChecksOfOneNameShareOneLookupAndLaterChecksUseItsCachedAnswer()
    {
        var release = new TaskCompletionSource();
        fixture.Resolver.AnswerWhen("shared.example.test", release.Task, IPAddress.Parse("10.0.0.7"));

        // Eight creates while the one lookup is held: all wait the budget, then are accepted.
        var creates = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => WithinAsync(CreateAsync($"https://shared.example.test/{i}"))));
        Assert.All(creates, c => Assert.Equal(HttpStatusCode.OK, c.StatusCode));
        Assert.Equal(1, fixture.Resolver.Calls("shared.example.test"));

        // The lookup answers a private address: from now on the name is refused, from the cache.
        release.SetResult();
        for (var i = 0; i < 3; i++)
        {
            using var refused = await CreateAsync("https://shared.example.test/later");
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.BadRequest, "pce_url_invalid");
        }
        Assert.Equal(1, fixture.Resolver.Calls("shared.example.test"));

        foreach (var create in creates)
        {
            await DeleteAsync((await UapiCalls.IdsAsync(create)).Single());
            create.Dispose();
        }
    }

    [Fact]
    public async Task ANameThatDoesNotResolveIsAcceptedAndTheAnswerIsCached()
    {
        var first = (await UapiCalls.IdsAsync(await CreateAsync("https://nowhere.example.test/1"))).Single();
        var second = (await UapiCalls.IdsAsync(await CreateAsync("https://nowhere.example.test/2"))).Single();
        Assert.Equal(1, fixture.Resolver.Calls("nowhere.example.test"));
        await DeleteAsync(first);
        await DeleteAsync(second);
    }

    [Fact]
    public async Task ALookupThatHangsDoesNotHoldUpTheLookupOfAnotherName()
    {
        fixture.Resolver.Hang("stuck.example.test");
        fixture.Resolver.Answer("answers.example.test", IPAddress.Parse("192.168.7.7"));

        var stuck = WithinAsync(CreateAsync("https://stuck.example.test/x"));
        // Refused means its own lookup answered, though the other one is still hanging.
        using (var other = await CreateAsync("https://answers.example.test/x"))
        {
            await UapiCalls.AssertErrorAsync(other, HttpStatusCode.BadRequest, "pce_url_invalid");
        }
        Assert.Equal(1, fixture.Resolver.Calls("answers.example.test"));
        using var accepted = await stuck;
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await DeleteAsync((await UapiCalls.IdsAsync(accepted)).Single());
    }

    /// <summary>
    /// The name had no answer at registration (accepted) and resolves to loopback when the event
    /// fires: the sender looks it up afresh, refuses the address and never connects. The hook
    /// points at the loopback receiver's port, so a connection would have arrived there.
    /// </summary>
    [Fact]
    public async Task ANameAcceptedUnresolvedThatResolvesToLoopbackIsRefusedWhenTheSenderConnects()
    {
        const string host = "rebinds.example.test";
        fixture.Resolver.Hang(host);
        using var create = await WithinAsync(fixture.User.PostAsync(UapiCalls.Events("@me", "0003*211"),
            UapiCalls.Json(new { type = "0", method = "1", url = $"http://{host}:{fixture.Receiver.Port}/rebound" })));
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var id = (await UapiCalls.IdsAsync(create)).Single();

        fixture.Resolver.Answer(host, IPAddress.Loopback);
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-rebinds", "dial-in", "0003*211"));

        var log = await DispatchCalls.LogUntilAsync(fixture.User, "0003*211", 0, id, entries => entries.Length >= 1);
        Assert.Equal("failed", log[0].GetProperty("outcome").GetString());
        Assert.StartsWith("Refused destination", log[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.True(fixture.Resolver.Calls(host) >= 2, "the sender looked the name up itself");
        Assert.Empty(fixture.Receiver.All);
        using var _ = await fixture.User.DeleteAsync(UapiCalls.Events("@me", "0003*211", "0", id));
    }

    private Task<HttpResponseMessage> CreateAsync(string url) =>
        fixture.User.PostAsync(UapiCalls.Events("@me", Extension), UapiCalls.Json(new { type = "0", method = "1", status = "0", url }));

    private async Task DeleteAsync(string id)
    {
        using var _ = await fixture.User.DeleteAsync(UapiCalls.Events("@me", Extension, "0", id));
    }

    /// <summary>
    /// The request, or a failed test if it takes longer than 10 s: far more than the 1 s budget,
    /// far less than the minute a hung lookup is allowed in the background.
    /// </summary>
    private static async Task<HttpResponseMessage> WithinAsync(Task<HttpResponseMessage> request)
    {
        var done = await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(done == request, "the request waited for the hung lookup instead of the budget");
        return await request;
    }
}
