using System.Net;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.PhoneCallEvents;

namespace CallEvents.Tests.Accounts;

/// <summary>How an extension may be written in a URI (contract §2, §5): short form, %2A, trailing slash.</summary>
public sealed class ExtensionFormsTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private readonly DemoClients _clients = new(fixture.Host);

    public static TheoryData<string, string, string, string?> ShortForms() => new()
    {
        // token, userId, short extension, the extension it means (null: extension_invalid)
        { "user", "@me", "210", "0003*210" },
        { "user", "@viewer", "210", "0003*210" },
        { "user", "@owner", "210", "0003*210" },
        { "user", "user-0003-ana", "211", "0003*211" },
        { "organization", "@me", "212", "0003*212" },
        { "organization", "@owner", "210", "0003*210" },
        { "organization", "user-0003-ben", "212", "0003*212" },
        // The named user's organization decides, not the caller's.
        { "admin", "user-0004-cam", "210", "0004*210" },
        { "admin", "user-0003-ana", "210", "0003*210" },
        // An Admin has no organization to resolve a short number in.
        { "admin", "@me", "210", null },
        { "admin", "@viewer", "210", null },
        { "admin", "@owner", "210", null },
        // Resolved inside 0003, where there is no 299; Cam's 0004*210 is not reachable as 210 from 0003.
        { "organization", "@me", "299", null },
        { "user", "@me", "250", null },
    };

    [Theory]
    [MemberData(nameof(ShortForms))]
    public async Task AShortNumberMeansTheLocalNumberInTheOrganizationOfTheNamedUser(string token, string userId, string shortNumber, string? means)
    {
        var client = await _clients.For(token);
        using var response = await client.PostAsync(UapiCalls.Events(userId, shortNumber),
            UapiCalls.Json("""{"type":"3","method":"1","url":"https://crm.example.com/short"}"""));
        if (means is null)
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, "extension_invalid");
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await UapiCalls.IdsAsync(response)).Single();
        Assert.Contains(id, await _clients.IdsOnAsync(means));

        using var list = await client.GetAsync(UapiCalls.Events(userId, shortNumber, "3", id));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var delete = await client.DeleteAsync(UapiCalls.Events(userId, shortNumber, "3", id));
        Assert.Equal($"[{{\"id\":\"{id}\"}}]", await delete.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("0003%2A210")]
    [InlineData("0003%2a210")]
    public async Task APercentEncodedStarIsTheSameExtension(string encoded)
    {
        var client = await _clients.UserAsync();
        var id = await Hooks.CreateAsync(client, "@me", encoded, type: 1);
        Assert.Contains(id, await _clients.IdsOnAsync("0003*210"));

        using var get = await client.GetAsync($"/uapi/extensions/@me/{encoded}/phoneCallEvents/1/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        using var update = await client.PutAsync($"/uapi/extensions/@me/{encoded}/phoneCallEvents/1/{id}", UapiCalls.Json("""{"status":"0"}"""));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        using var delete = await client.DeleteAsync($"/uapi/extensions/@me/{encoded}/phoneCallEvents/1/{id}");
        Assert.Equal($"[{{\"id\":\"{id}\"}}]", await delete.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ATrailingSlashIsAcceptedOnEveryOperation()
    {
        var client = await _clients.UserAsync();
        const string events = "/uapi/extensions/@me/0003*211/phoneCallEvents";

        using var create = await client.PostAsync(events + "/", UapiCalls.Json("""{"type":"4","method":"1","url":"https://crm.example.com/slash"}"""));
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var id = (await UapiCalls.IdsAsync(create)).Single();
        using var createTyped = await client.PostAsync(events + "/4/", UapiCalls.Json("""{"method":"1","url":"https://crm.example.com/slash"}"""));
        Assert.Equal(HttpStatusCode.OK, createTyped.StatusCode);
        var typedId = (await UapiCalls.IdsAsync(createTyped)).Single();

        using var list = await client.GetAsync(events + "/");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(id, await UapiCalls.IdsAsync(list));
        using var listTyped = await client.GetAsync(events + "/4/");
        Assert.Equal(HttpStatusCode.OK, listTyped.StatusCode);
        using var get = await client.GetAsync($"{events}/4/{id}/");
        Assert.Equal([id], await UapiCalls.IdsAsync(get));
        using var update = await client.PutAsync($"{events}/4/{id}/", UapiCalls.Json("""{"note":"slash"}"""));
        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        using var deleteOne = await client.DeleteAsync($"{events}/4/{id}/");
        Assert.Equal([id], await UapiCalls.IdsAsync(deleteOne));
        using var deleteType = await client.DeleteAsync(events + "/4/");
        Assert.Equal([typedId], await UapiCalls.IdsAsync(deleteType));
        using var deleteAll = await client.DeleteAsync(events + "/");
        Assert.Equal(HttpStatusCode.NoContent, deleteAll.StatusCode);
    }
}
