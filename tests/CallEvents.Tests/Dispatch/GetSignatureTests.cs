using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>A GET delivery's signature covers the query exactly as the receiver receives it, however the hook's own query was written.</summary>
public sealed class GetSignatureTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("?name=é", "name=%C3%A9&")]
    [InlineData("?a=%41", "a=A&")]
    [InlineData("?q=\"{x}|y\"", "q=%22%7Bx%7D%7Cy%22&")]
    [InlineData("?p=50%&r=1", "p=50%25&r=1&")]
    public async Task AGetHookWhoseQueryHasNonAsciiOrNeedlessEscapesIsSignedAsTheReceiverReceivesIt(string hookQuery, string receivedStart)
    {
        var secret = fixture.Host.Demo.Apps!.User.SigningSecret!;
        await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 0, url: fixture.Receiver.Url("/get" + hookQuery));
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-get-" + Guid.NewGuid().ToString("N"), "dial-in", "0003*210"));

        var request = await fixture.Receiver.NextAsync();

        // The query as it arrived on the wire is the one the receiver checks; it differs from the registered text.
        Assert.StartsWith(receivedStart, request.Query, StringComparison.Ordinal);
        Assert.Equal(
            DispatchCalls.ExpectedSignature(secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.Query),
            request.Header("webhook-signature"));
    }
}
