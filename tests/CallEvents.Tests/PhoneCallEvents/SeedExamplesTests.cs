using System.Net;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>The two examples of the original "Delete PhoneCallEvents" page, reproduced literally.</summary>
public sealed class SeedExamplesTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private CallEventsHost Host => fixture.Host;

    [Fact]
    public async Task DeletingOneEventByTypeAndIdAnswersItsIdInAnArray()
    {
        using var client = Host.ClientWith(await Host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(client, "@me", "0003*210", type: 0);

        using var response = await client.DeleteAsync($"/uapi/extensions/@me/0003*210/phoneCallEvents/0/{id}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"[{{\"id\":\"{id}\"}}]", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task DeletingEveryEventOfAnExtensionAnswersEveryIdThenNoContent()
    {
        using var client = Host.ClientWith(await Host.TokenAsync(a => a.User));
        var ids = new List<string>();
        for (var type = 0; type < 5; type++)
        {
            ids.Add(await UapiCalls.CreateAsync(client, "@me", "0003*211", type));
        }

        using var first = await client.DeleteAsync("/uapi/extensions/@me/0003*211/phoneCallEvents");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(ids.Order(), (await UapiCalls.IdsAsync(first)).Order());

        using var again = await client.DeleteAsync("/uapi/extensions/@me/0003*211/phoneCallEvents");
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal("", await again.Content.ReadAsStringAsync());
    }
}
