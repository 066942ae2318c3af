using System.Globalization;
using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>Each app's signing secret: shown at creation, read, rotated with a grace period of two signatures.</summary>
public sealed class SigningSecretTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task EachAppReadsItsOwnSecretWhichIsTheOneShownWhenItWasCreated()
    {
        var user = await DispatchCalls.SigningSecretAsync(fixture.User);
        var admin = await DispatchCalls.SigningSecretAsync(fixture.Admin);

        Assert.Equal(fixture.Host.Demo.Apps!.User.SigningSecret, user);
        Assert.Equal(fixture.Host.Demo.Apps!.Admin.SigningSecret, admin);
        Assert.NotEqual(user, admin);
        Assert.Equal(32, Convert.FromBase64String(user["whsec_".Length..]).Length);
    }

    [Fact]
    public async Task WithoutATokenTheSecretIsAccessDenied()
    {
        using var response = await fixture.Host.Http.GetAsync("/uapi/apps/@me/signingSecret");
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
    }

    [Fact]
    public async Task AfterARotationDeliveriesCarryTheNewAndThePreviousSignature()
    {
        using var organization = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.Organization));
        var before = await DispatchCalls.SigningSecretAsync(organization);
        using var rotate = await organization.PostAsync("/uapi/apps/@me/signingSecret/rotate", null);
        var rotated = await UapiCalls.ReadJsonAsync(rotate);
        var after = rotated.GetProperty("signingSecret").GetString()!;
        Assert.NotEqual(before, after);
        Assert.Equal(before, rotated.GetProperty("previousSigningSecret").GetString());
        Assert.Equal(after, await DispatchCalls.SigningSecretAsync(organization));

        await UapiCalls.CreateAsync(organization, "@owner", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/rotated"));
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-rotated", "dial-in", "0003*210"));

        var request = await fixture.Receiver.NextAsync();
        var id = request.Header("webhook-id");
        var timestamp = request.Header("webhook-timestamp");
        Assert.Equal(
            DispatchCalls.ExpectedSignature(after, id, timestamp, request.BodyText) + " " + DispatchCalls.ExpectedSignature(before, id, timestamp, request.BodyText),
            request.Header("webhook-signature"));
        Assert.InRange(long.Parse(timestamp, CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
    }
}
