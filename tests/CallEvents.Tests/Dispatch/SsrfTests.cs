using System.Net;
using CallEvents.PhoneCallEvents;
using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using CallEvents.Uapi;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Dispatch;

/// <summary>The SSRF guard with the default configuration (nothing private allowed): at create/update and at connect time.</summary>
public sealed class SsrfTests(SsrfTests.Fixture fixture) : IClassFixture<SsrfTests.Fixture>
{
    public sealed class Fixture : ReceiverHostFixture
    {
        protected override Task<CallEventsHost> StartHostAsync() => CallEventsHost.StartAsync();
    }

    [Theory]
    [InlineData("http://127.0.0.1/hook")]
    [InlineData("http://127.1/hook")]
    [InlineData("http://2130706433/hook")]
    [InlineData("http://0x7f000001/hook")]
    [InlineData("http://0x7f.0.0.1/hook")]
    [InlineData("http://localhost/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    [InlineData("http://[::ffff:7f00:1]/hook")]
    [InlineData("http://10.1.2.3/hook")]
    [InlineData("http://172.16.0.1/hook")]
    [InlineData("http://192.168.1.1/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://[fe80::1]/hook")]
    [InlineData("http://[fd00::1]/hook")]
    [InlineData("http://224.0.0.1/hook")]
    [InlineData("http://[ff02::1]/hook")]
    [InlineData("http://0.0.0.0/hook")]
    [InlineData("http://[::]/hook")]
    public async Task ARefusedDestinationIsPceUrlInvalidAtCreateAndUpdate(string url)
    {
        using var create = await fixture.User.PostAsync(UapiCalls.Events("@me", "0003*210"), UapiCalls.Json(new { type = "0", method = "1", url }));
        await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, "pce_url_invalid");

        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", url: "https://crm.example.com/hooks");
        using var update = await UapiCalls.PutJsonAsync(fixture.User, UapiCalls.Events("@me", "0003*210", "0", id), new { url });
        await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, "pce_url_invalid");
        using var cleanup = await fixture.User.DeleteAsync(UapiCalls.Events("@me", "0003*210", "0", id));
    }

    /// <summary>
    /// A name that pointed somewhere public when it was registered and now resolves to loopback
    /// (DNS rebinding), stood in for by writing the event directly: the connection is refused
    /// after resolution, and the refusal is a recorded, final failed attempt.
    /// </summary>
    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    public async Task AtConnectTimeAnAddressThatIsNotAllowedIsNeverConnectedToAndTheAttemptFails(string host)
    {
        string id;
        using (var scope = fixture.Host.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
            var extension = await db.Extensions.FirstAsync(e => e.Number == "0003*211");
            id = ObjectIds.NewEventId();
            db.PhoneCallEvents.Add(new PhoneCallEvent
            {
                Id = id, ExtensionId = extension.Id, Type = 0, Method = 1, Status = 1,
                Url = $"http://{host}:{fixture.Receiver.Port}/rebound",
                Modified = PhoneCallEvent.FormatModified(DateTimeOffset.UtcNow),
                AppClientId = fixture.Host.Demo.Apps!.User.ClientId,
            });
            await db.SaveChangesAsync();
        }

        await DispatchCalls.ReportAsync(fixture.Admin, DispatchCalls.Event("call-ssrf-" + host, "dial-in", "0003*211"));

        var log = await DispatchCalls.LogUntilAsync(fixture.User, "0003*211", 0, id, entries => entries.Length >= 1);
        Assert.Equal("failed", log[0].GetProperty("outcome").GetString());
        Assert.Contains("Refused destination", log[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(log[0].TryGetProperty("httpStatus", out _));
        Assert.Empty(fixture.Receiver.All);
        using var cleanup = await fixture.User.DeleteAsync(UapiCalls.Events("@me", "0003*211", "0", id));
    }
}
