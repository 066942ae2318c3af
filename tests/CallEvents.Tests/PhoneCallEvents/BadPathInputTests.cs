using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>
/// Malformed userIds, extensions, eventTypes and eventIds in the URI get their documented code on
/// every operation, and nothing is written: the events on the extension are the same afterwards.
/// </summary>
public sealed class BadPathInputTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly DemoClients _clients = new(fixture.Host);
    private const string Body = """{"type":"0","method":"1","url":"https://crm.example.com/bad-input"}""";
    private const string AnId = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCC";

    public static TheoryData<string> BadUserIds() => new() { "@self", "@ME", "@", "me", "user 0003", "user%2F0003", new string('u', 65) };

    [Theory]
    [MemberData(nameof(BadUserIds))]
    public async Task AMalformedUserIdIsUserInvalidAndWritesNothing(string userId)
    {
        await AssertEveryOperationAsync($"/uapi/extensions/{userId}/0003*210/phoneCallEvents", "user_invalid", "user_invalid");
    }

    public static TheoryData<string> BadExtensions() => new()
    {
        "@self", "0003*21", "0003*2100", "0003**210", "abc", "0003-210", "00003*210", "0003*21a", "21", "2100", "%2A210", "0003%2A%2A210", "0003*210*",
    };

    [Theory]
    [MemberData(nameof(BadExtensions))]
    public async Task AMalformedExtensionIsExtensionInvalidAndWritesNothing(string extension)
    {
        await AssertEveryOperationAsync($"/uapi/extensions/@me/{extension}/phoneCallEvents", "extension_invalid", "extension_invalid");
    }

    [Fact]
    public async Task AnEmptyExtensionIsExtensionInvalidAndWritesNothing()
    {
        await AssertEveryOperationAsync("/uapi/extensions/@me//phoneCallEvents", "extension_invalid", "extension_invalid");
    }

    [Fact]
    public async Task AnEmptyUserIdIsUserInvalidAndWritesNothing()
    {
        await AssertEveryOperationAsync("/uapi/extensions//0003*210/phoneCallEvents", "user_invalid", "user_invalid");
    }

    [Fact]
    public async Task AnEmptyEventTypeBeforeAnIdIsPceTypeInvalid()
    {
        var client = await _clients.UserAsync();
        var before = await _clients.IdsOnAsync("0003*210");
        var path = $"/uapi/extensions/@me/0003*210/phoneCallEvents//{AnId}";
        using (var get = await client.GetAsync(path))
        {
            await UapiCalls.AssertErrorAsync(get, HttpStatusCode.BadRequest, "pce_type_invalid");
        }
        using (var delete = await client.DeleteAsync(path))
        {
            await UapiCalls.AssertErrorAsync(delete, HttpStatusCode.BadRequest, "pce_type_invalid");
        }
        using (var anonymous = new HttpClient { BaseAddress = fixture.Host.BaseAddress })
        using (var unauthenticated = await anonymous.DeleteAsync("/uapi/extensions/@me//phoneCallEvents"))
        {
            await UapiCalls.AssertErrorAsync(unauthenticated, HttpStatusCode.Unauthorized, "access_denied");
        }
        Assert.Equal(before, await _clients.IdsOnAsync("0003*210"));
    }

    public static TheoryData<string> BadEventTypes() => new() { "5", "-1", "01", "x", "99999999999", "%20", "0x1", "+1", "1.0", "٣" };

    [Theory]
    [MemberData(nameof(BadEventTypes))]
    public async Task AMalformedEventTypeIsPceTypeInvalidOrPcetTypeInvalidOnCreate(string eventType)
    {
        await AssertEveryOperationAsync($"/uapi/extensions/@me/0003*210/phoneCallEvents/{eventType}", "pce_type_invalid", "pcet_type_invalid");
    }

    public static TheoryData<string> BadEventIds() => new()
    {
        new string('A', 31), new string('A', 29), "A", new string('A', 29) + "-", new string('A', 29) + "_", new string('A', 29) + "%21", new string('A', 300), "%C3%A9" + new string('A', 29),
    };

    [Theory]
    [MemberData(nameof(BadEventIds))]
    public async Task AMalformedEventIdIsPceIdInvalidAndWritesNothing(string eventId)
    {
        var client = await _clients.UserAsync();
        var kept = await Hooks.CreateAsync(client, "@me", "0003*210", type: 0);
        var before = await _clients.IdsOnAsync("0003*210");
        var path = $"/uapi/extensions/@me/0003*210/phoneCallEvents/0/{eventId}";
        using (var get = await client.GetAsync(path))
        {
            await UapiCalls.AssertErrorAsync(get, HttpStatusCode.BadRequest, "pce_id_invalid");
        }
        using (var put = await client.PutAsync(path, UapiCalls.Json("""{"note":"x"}""")))
        {
            await UapiCalls.AssertErrorAsync(put, HttpStatusCode.BadRequest, "pce_id_invalid");
        }
        using (var delete = await client.DeleteAsync(path))
        {
            await UapiCalls.AssertErrorAsync(delete, HttpStatusCode.BadRequest, "pce_id_invalid");
        }
        Assert.Equal(before, await _clients.IdsOnAsync("0003*210"));
        Assert.Contains(kept, before);
    }

    /// <summary>Create, list, update, delete at <paramref name="path"/> (and deeper); each answers the code and the extension is untouched.</summary>
    private async Task AssertEveryOperationAsync(string path, string code, string createCode)
    {
        var client = await _clients.UserAsync();
        await Hooks.CreateAsync(client, "@me", "0003*210", type: 0);
        var before = await _clients.IdsOnAsync("0003*210");

        using (var create = await client.PostAsync(path, UapiCalls.Json(Body)))
        {
            await UapiCalls.AssertErrorAsync(create, HttpStatusCode.BadRequest, createCode);
        }
        using (var list = await client.GetAsync(path))
        {
            await UapiCalls.AssertErrorAsync(list, HttpStatusCode.BadRequest, code);
        }
        var withId = path.EndsWith("/phoneCallEvents", StringComparison.Ordinal) ? $"{path}/0/{AnId}" : $"{path}/{AnId}";
        using (var update = await client.PutAsync(withId, UapiCalls.Json("""{"note":"x"}""")))
        {
            await UapiCalls.AssertErrorAsync(update, HttpStatusCode.BadRequest, code);
        }
        using (var deleteOne = await client.DeleteAsync(withId))
        {
            await UapiCalls.AssertErrorAsync(deleteOne, HttpStatusCode.BadRequest, code);
        }
        using (var delete = await client.DeleteAsync(path))
        {
            await UapiCalls.AssertErrorAsync(delete, HttpStatusCode.BadRequest, code);
        }
        Assert.Equal(before, await _clients.IdsOnAsync("0003*210"));
    }
}
