using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>Methods the resource does not have (405) and paths that are not implemented (501), in the envelope.</summary>
public sealed class RoutingErrorsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly DemoClients _clients = new(fixture.Host);
    private const string Events = "/uapi/extensions/@me/0003*210/phoneCallEvents";
    private const string AnId = "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEE";

    public static TheoryData<string, string> NotAllowed() => new()
    {
        { "PUT", Events },
        { "PUT", Events + "/" },
        { "PUT", Events + "/0" },
        { "POST", $"{Events}/0/{AnId}" },
        { "POST", $"{Events}/0/{AnId}/" },
        { "PATCH", $"{Events}/0/{AnId}" },
        { "PATCH", Events },
    };

    [Theory]
    [MemberData(nameof(NotAllowed))]
    public async Task AMethodTheResourceDoesNotHaveIsRequestNotAllowed(string method, string path)
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync("0003*210");
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = UapiCalls.Json("""{"type":"0","method":"1","url":"https://crm.example.com/x"}""") };
        using var response = await client.SendAsync(request);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "request_not_allowed");
        Assert.Equal(before, await _clients.IdsOnAsync("0003*210"));
    }

    public static TheoryData<string, string> NotImplemented() => new()
    {
        { "GET", "/uapi" },
        { "GET", "/uapi/" },
        { "GET", "/uapi/phoneCallEvents" },
        { "GET", "/uapi/extensions/@me/0003*210" },
        { "GET", "/uapi/extensions/@me/0003*210/phoneCallEvent" },
        { "GET", "/uapi/extensions/@me/0003*210/calls" },
        { "POST", "/uapi/faxes/@me" },
        { "GET", $"{Events}/0/{AnId}/more" },
        { "DELETE", "/uapi/users/@me" },
    };

    [Theory]
    [MemberData(nameof(NotImplemented))]
    public async Task AnUnknownUapiPathIsRequestNotImplemented(string method, string path)
    {
        var client = await _clients.UserAsync();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.NotImplemented, "request_not_implemented");
    }
}
