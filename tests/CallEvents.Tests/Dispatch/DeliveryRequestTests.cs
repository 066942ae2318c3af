using System.Globalization;
using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Dispatch;

/// <summary>The request each PhoneCallEvent makes, byte for byte as VoipNow sends it, plus the signature headers.</summary>
public sealed class DeliveryRequestTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private const string DialInParameters =
        "CallID=call-1&CallerIDNum=0003%2A211&CallerIDName=Ben+Doe&CalledDID=&CalledExtension=0003%2A210"
        + "&CallStatus=CALLING&CallFlow=IN&CallerExtension=0003%2A211&CalledNumber=210";

    [Fact]
    public async Task AMethod1EventPostsTheNineParametersFormEncodedToTheUrlAsIs()
    {
        await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/hooks/calls?tenant=a%20b&x=1"));

        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-1", "dial-in", "0003*210"));

        var request = await fixture.Receiver.NextAsync();
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/calls?tenant=a%20b&x=1", request.RawTarget);
        Assert.Equal("application/x-www-form-urlencoded", request.Header("content-type"));
        Assert.Equal(DialInParameters, request.BodyText);
        Assert.Equal(request.Body.Length.ToString(CultureInfo.InvariantCulture), request.Header("content-length"));
    }

    [Fact]
    public async Task AMethod0EventAppendsTheParametersToTheExistingQueryOfAGet()
    {
        await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 0, url: fixture.Receiver.Url("/crm?token=a%2Fb&x=1"));

        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-1", "dial-in", "0003*210"));

        var request = await fixture.Receiver.NextAsync();
        Assert.Equal("GET", request.Method);
        Assert.Equal("/crm?token=a%2Fb&x=1&" + DialInParameters, request.RawTarget);
        Assert.Empty(request.Body);
    }

    [Fact]
    public async Task APostIsSignedOverItsBodyAndAGetOverItsQueryWithTheAppsSecret()
    {
        var secret = await DispatchCalls.SigningSecretAsync(fixture.User);
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/post"));
        await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 0, url: fixture.Receiver.Url("/get?a=1"));

        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-1", "dial-in", "0003*210"));

        var requests = new[] { await fixture.Receiver.NextAsync(), await fixture.Receiver.NextAsync() };
        foreach (var request in requests)
        {
            var content = request.Method == "GET" ? request.Query : request.BodyText;
            Assert.StartsWith("msg_", request.Header("webhook-id"), StringComparison.Ordinal);
            Assert.Equal(DispatchCalls.ExpectedSignature(secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), content),
                request.Header("webhook-signature"));
        }
        Assert.NotEqual(requests[0].Header("webhook-id"), requests[1].Header("webhook-id"));
    }

    [Fact]
    public async Task EachKindOfCallEventFiresOnlyTheEventsOfItsTypeWithTheDocumentedStatusAndFlow()
    {
        for (var type = 0; type < 5; type++)
        {
            await UapiCalls.CreateAsync(fixture.User, "@me", "0003*211", type: type, method: 1, url: fixture.Receiver.Url($"/type{type}"));
        }
        // 0003*211 places the call to 0003*210: everything reported on 0003*211 is its outgoing side.
        await DispatchCalls.ReportAsync(fixture.Admin, new[]
        {
            DispatchCalls.Event("call-2", "dial-out", "0003*211"),
            DispatchCalls.Event("call-2", "answer-out", "0003*211"),
            DispatchCalls.Event("call-2", "hangup", "0003*211", callStatus: "BUSY"),
        });

        // Three different PhoneCallEvents: no order among them is promised.
        var received = new[] { await fixture.Receiver.NextAsync(), await fixture.Receiver.NextAsync(), await fixture.Receiver.NextAsync() }
            .OrderBy(r => r.RawTarget, StringComparer.Ordinal).ToArray();
        Assert.Equal(["/type1", "/type2", "/type4"], received.Select(r => r.RawTarget));
        Assert.Equal(["CALLING", "BUSY", "ANSWER"], received.Select(r => r.Parameter("CallStatus")));
        Assert.All(received, r => Assert.Equal("OUT", r.Parameter("CallFlow")));
        Assert.False(await fixture.Receiver.AnyMoreAsync(300));
    }

    [Fact]
    public async Task ADisabledEventIsSkipped()
    {
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/disabled"));
        using var _ = await UapiCalls.PutJsonAsync(fixture.User, UapiCalls.Events("@me", "0003*210", "0", id), new { status = "0" });

        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-3", "dial-in", "0003*210"));

        Assert.False(await fixture.Receiver.AnyMoreAsync(500));
    }

    [Fact]
    public async Task OnlyAnAdminContextTokenMayReportCallEvents()
    {
        using var noToken = await fixture.Host.Http.PostAsync("/pbx/callEvents", UapiCalls.Json(DispatchCalls.Event("c", "dial-in", "0003*210")));
        await UapiCalls.AssertErrorAsync(noToken, HttpStatusCode.Unauthorized, "access_denied");
        using var asUser = await fixture.User.PostAsync("/pbx/callEvents", UapiCalls.Json(DispatchCalls.Event("c", "dial-in", "0003*210")));
        await UapiCalls.AssertErrorAsync(asUser, HttpStatusCode.BadRequest, "pce_access_denied");
    }

    [Fact]
    public async Task ABatchWithOneBadEventIsRejectedWholeAndQueuesNothing()
    {
        await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/batch"));
        var good = DispatchCalls.Event("call-4", "dial-in", "0003*210");

        using var badKind = await fixture.Admin.PostAsync("/pbx/callEvents", UapiCalls.Json(new[] { good, DispatchCalls.Event("call-4", "ringing", "0003*210") }));
        await UapiCalls.AssertErrorAsync(badKind, HttpStatusCode.BadRequest, "request_invalid");
        using var badStatus = await fixture.Admin.PostAsync("/pbx/callEvents", UapiCalls.Json(new[] { good, DispatchCalls.Event("call-4", "hangup", "0003*210", "LATER") }));
        await UapiCalls.AssertErrorAsync(badStatus, HttpStatusCode.BadRequest, "request_invalid");
        using var unknownExtension = await fixture.Admin.PostAsync("/pbx/callEvents", UapiCalls.Json(new[] { good, DispatchCalls.Event("call-4", "dial-in", "0003*999") }));
        await UapiCalls.AssertErrorAsync(unknownExtension, HttpStatusCode.BadRequest, "extension_invalid");
        using var notJson = await fixture.Admin.PostAsync("/pbx/callEvents", UapiCalls.Json("[{\"callId\":"));
        await UapiCalls.AssertErrorAsync(notJson, HttpStatusCode.BadRequest, "request_invalid");

        Assert.False(await fixture.Receiver.AnyMoreAsync(500));
    }

    [Fact]
    public async Task TheDeliveryLogFollowsTheEventsContextRules()
    {
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 0, method: 1, url: fixture.Receiver.Url("/context"));
        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-ctx", "dial-in", "0003*210"));
        await fixture.Receiver.NextAsync();
        await DispatchCalls.LogUntilAsync(fixture.User, "0003*210", 0, id, log => log.Length == 1);

        using var organization = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.Organization));
        using var asOwner = await organization.GetAsync(UapiCalls.Events("@owner", "0003*210", "0", id) + "/deliveries");
        Assert.Equal(HttpStatusCode.OK, asOwner.StatusCode);
        using var otherType = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210", "1", id) + "/deliveries");
        await UapiCalls.AssertErrorAsync(otherType, HttpStatusCode.BadRequest, "pce_id_invalid");
        using var otherExtension = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*211", "0", id) + "/deliveries");
        await UapiCalls.AssertErrorAsync(otherExtension, HttpStatusCode.BadRequest, "pce_id_invalid");
        using var colleague = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*212", "0", id) + "/deliveries");
        await UapiCalls.AssertErrorAsync(colleague, HttpStatusCode.BadRequest, "pce_access_denied");
        using var otherTenant = await fixture.User.GetAsync(UapiCalls.Events("@me", "0004*210", "0", id) + "/deliveries");
        await UapiCalls.AssertErrorAsync(otherTenant, HttpStatusCode.BadRequest, "extension_invalid");
        using var replay = await fixture.User.PostAsync(UapiCalls.Events("@me", "0004*210", "0", id) + "/deliveries/replay?since=2000-01-01T00:00:00Z", null);
        await UapiCalls.AssertErrorAsync(replay, HttpStatusCode.BadRequest, "extension_invalid");
    }
}
