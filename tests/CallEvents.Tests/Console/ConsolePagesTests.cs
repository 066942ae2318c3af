using System.Net;
using CallEvents.Demo;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Console;

/// <summary>
/// Every console page for the account it belongs to, and for no other: the extensions by context,
/// one extension and its events, the forms, the delete confirmation, the delivery log; another
/// tenant's extension by URL is "not found", exactly like one that does not exist; changes made
/// here are the API's data.
/// </summary>
public sealed class ConsolePagesTests(ConsoleFixture fixture) : IClassFixture<ConsoleFixture>
{
    private static readonly DemoAccounts Ids = DemoTenant.Ids;

    [Fact]
    public async Task AUserSeesTheirOwnExtensionsOnly()
    {
        using var ana = await fixture.SignedInAsync(Ids.User);

        Assert.Contains(">0003*210</a>", ana.Html, StringComparison.Ordinal);
        Assert.Contains(">0003*211</a>", ana.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("0003*250", ana.Html, StringComparison.Ordinal); // a Voicemail Center: no phone call events (contract §2)
        Assert.DoesNotContain("0003*212", ana.Html, StringComparison.Ordinal); // her colleague's
        Assert.DoesNotContain("0004*210", ana.Html, StringComparison.Ordinal); // another organization's
        Assert.Contains("<th scope=\"col\">Extension</th>", ana.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOrganizationSeesItsUsersExtensionsAndTheAdminSeesEveryOneWithSearchAndPaging()
    {
        using var organization = await fixture.SignedInAsync(Ids.Organization);
        Assert.Contains(">0003*212</a>", organization.Html, StringComparison.Ordinal);
        Assert.Contains(">0003*210</a>", organization.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("0004*210", organization.Html, StringComparison.Ordinal);

        using var admin = await fixture.SignedInAsync(Ids.Admin);
        Assert.Contains(">0004*210</a>", admin.Html, StringComparison.Ordinal);
        Assert.Contains(">0003*212</a>", admin.Html, StringComparison.Ordinal);

        var (status, _) = await admin.GetAsync("/console/extensions?q=0004");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(">0004*210</a>", admin.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(">0003*210</a>", admin.Html, StringComparison.Ordinal);

        (status, _) = await admin.GetAsync("/console/extensions?q=%25"); // a LIKE wildcard is searched for, not matched with
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("No extension you may manage matches this search.", admin.Html, StringComparison.Ordinal);

        (status, _) = await admin.GetAsync("/console/extensions?start=1");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("rel=\"prev\"", admin.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(">0003*210</a>", admin.Html, StringComparison.Ordinal); // the first by number is on the page before
    }

    [Theory]
    [InlineData("/console/extensions/0003*210")]
    [InlineData("/console/extensions/0003*210/events/new")]
    [InlineData("/console/extensions/0003*210/delete")]
    public async Task AnotherTenantsExtensionIsNotFoundExactlyLikeOneThatDoesNotExist(string path)
    {
        using var cam = await fixture.SignedInAsync(Ids.OtherUser);

        var (foreign, type) = await cam.GetAsync(path);
        var foreignHtml = cam.Html;
        var (missing, _) = await cam.GetAsync(path.Replace("0003*210", "0003*299", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.NotFound, foreign);
        Assert.Equal("text/html", type);
        Assert.Equal("Extension not found", cam.Heading);
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Equal(foreignHtml.Replace(Token(foreignHtml), "", StringComparison.Ordinal), cam.Html.Replace(Token(cam.Html), "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnotherTenantsEventAndItsDeliveriesCannotBeReachedNorChangedByUrl()
    {
        var owner = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(owner, "@me", "0003*210", url: "https://crm.example.com/hooks/foreign");
        using var cam = await fixture.SignedInAsync(Ids.OtherUser);

        foreach (var path in new[] { $"/console/extensions/0003*210/events/0/{id}/edit", $"/console/extensions/0003*210/events/0/{id}/deliveries", $"/console/extensions/0003*210/events/0/{id}/deliveries/live" })
        {
            var (status, _) = await cam.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, status);
        }
        await cam.GetAsync("/console/extensions");
        var (update, _) = await cam.PostAsync($"/console/extensions/0003*210/events/0/{id}", new() { ["url"] = "https://crm.example.com/hooks/taken", ["method"] = "1", ["status"] = "1" });
        await cam.GetAsync("/console/extensions");
        var (delete, _) = await cam.PostAsync("/console/extensions/0003*210/delete", new() { ["type"] = "0", ["id"] = id });

        Assert.Equal(HttpStatusCode.NotFound, update);
        Assert.Equal(HttpStatusCode.NotFound, delete);
        using var still = await owner.GetAsync(UapiCalls.Events("@me", "0003*210", "0", id));
        var json = await UapiCalls.ReadJsonAsync(still);
        Assert.Equal("https://crm.example.com/hooks/foreign", json.GetProperty("entry")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task AColleaguesExtensionInTheSameOrganizationIsNotAllowedAsTheApiAnswers()
    {
        using var ana = await fixture.SignedInAsync(Ids.User);
        var (status, _) = await ana.GetAsync("/console/extensions/0003*212");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Not allowed", ana.Heading);
    }

    [Fact]
    public async Task AddingEditingDisablingAndDeletingInTheConsoleChangeWhatTheApiSees()
    {
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        using var ana = await fixture.SignedInAsync(Ids.User);

        var (form, _) = await ana.GetAsync("/console/extensions/0003*211/events/new");
        Assert.Equal(HttpStatusCode.OK, form);
        Assert.Contains("<label for=\"url\">URL</label>", ana.Html, StringComparison.Ordinal);
        var (added, _) = await ana.PostAsync("/console/extensions/0003*211/events",
            new() { ["type"] = "2", ["method"] = "0", ["url"] = "https://crm.example.com/hooks/console", ["status"] = "1", ["note"] = "from the console" });
        Assert.Equal(HttpStatusCode.OK, added);
        Assert.Equal("/console/extensions/0003*211?done=created", Uri.UnescapeDataString(ana.Location));
        Assert.Contains("The phone call event was added.", ana.Html, StringComparison.Ordinal);

        var listed = await UapiCalls.ReadJsonAsync(await api.GetAsync(UapiCalls.Events("@me", "0003*211")));
        var pce = listed.GetProperty("entry").EnumerateArray().Single(e => e.GetProperty("url").GetString() == "https://crm.example.com/hooks/console");
        Assert.Equal("2", pce.GetProperty("type").GetString());
        Assert.Equal("0", pce.GetProperty("method").GetString());
        Assert.Equal("from the console", pce.GetProperty("note").GetString());
        var id = pce.GetProperty("id").GetString()!;

        var (edit, _) = await ana.GetAsync($"/console/extensions/0003*211/events/2/{id}/edit");
        Assert.Equal(HttpStatusCode.OK, edit);
        Assert.Contains("value=\"https://crm.example.com/hooks/console\"", ana.Html, StringComparison.Ordinal);
        var (saved, _) = await ana.PostAsync($"/console/extensions/0003*211/events/2/{id}",
            new() { ["method"] = "1", ["url"] = "https://crm.example.com/hooks/edited", ["status"] = "1", ["note"] = "" });
        Assert.Equal(HttpStatusCode.OK, saved);
        var (disabled, _) = await ana.PostAsync($"/console/extensions/0003*211/events/2/{id}/status", new() { ["status"] = "0" });
        Assert.Equal(HttpStatusCode.OK, disabled);
        Assert.Contains("Disabled", ana.Html, StringComparison.Ordinal);

        var one = (await UapiCalls.ReadJsonAsync(await api.GetAsync(UapiCalls.Events("@me", "0003*211", "2", id)))).GetProperty("entry")[0];
        Assert.Equal("https://crm.example.com/hooks/edited", one.GetProperty("url").GetString());
        Assert.Equal("1", one.GetProperty("method").GetString());
        Assert.Equal("0", one.GetProperty("status").GetString());
        Assert.False(one.TryGetProperty("note", out _)); // an emptied note is removed

        var (confirm, _) = await ana.GetAsync($"/console/extensions/0003*211/delete?type=2&id={id}");
        Assert.Equal(HttpStatusCode.OK, confirm);
        Assert.Contains("1 phone call event", ana.Html, StringComparison.Ordinal);
        var (deleted, _) = await ana.PostAsync("/console/extensions/0003*211/delete", new() { ["type"] = "2", ["id"] = id });
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Contains("1 phone call event deleted.", ana.Html, StringComparison.Ordinal);
        using var gone = await api.GetAsync(UapiCalls.Events("@me", "0003*211", "2", id));
        Assert.Equal(HttpStatusCode.BadRequest, gone.StatusCode);
        Assert.Equal("pce_id_invalid", (await UapiCalls.ReadJsonAsync(gone)).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task TheDeleteConfirmationNamesTheCountAndTheTypesAndDeletingAllLeavesNone()
    {
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.Organization));
        await UapiCalls.CreateAsync(api, "@me", "0003*212", type: 0);
        await UapiCalls.CreateAsync(api, "@me", "0003*212", type: 0, url: "https://crm.example.com/hooks/b");
        await UapiCalls.CreateAsync(api, "@me", "0003*212", type: 2);
        using var organization = await fixture.SignedInAsync(Ids.Organization);

        var (byType, _) = await organization.GetAsync("/console/extensions/0003*212/delete?type=0");
        Assert.Equal(HttpStatusCode.OK, byType);
        Assert.Contains("<strong>2 phone call events</strong>", organization.Html, StringComparison.Ordinal);
        Assert.Contains("<li>2 Dial-in</li>", organization.Html, StringComparison.Ordinal);

        var (all, _) = await organization.GetAsync("/console/extensions/0003*212/delete");
        Assert.Equal(HttpStatusCode.OK, all);
        Assert.Equal("Delete all phone call events?", organization.Heading);
        Assert.Contains("<strong>3 phone call events</strong>", organization.Html, StringComparison.Ordinal);
        Assert.Contains("<li>2 Dial-in</li>", organization.Html, StringComparison.Ordinal);
        Assert.Contains("<li>1 Hangup</li>", organization.Html, StringComparison.Ordinal);
        var (deleted, _) = await organization.PostAsync("/console/extensions/0003*212/delete");
        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Contains("3 phone call events deleted.", organization.Html, StringComparison.Ordinal);

        var listed = await UapiCalls.ReadJsonAsync(await api.GetAsync(UapiCalls.Events("@me", "0003*212")));
        Assert.Equal("0", listed.GetProperty("totalResults").ToString());
    }

    [Fact]
    public async Task ARefusedFieldIsShownNextToItWithTheApisReasonAndNothingIsSaved()
    {
        using var ana = await fixture.SignedInAsync(Ids.User);
        await ana.GetAsync("/console/extensions/0003*210/events/new");

        var (status, _) = await ana.PostAsync("/console/extensions/0003*210/events",
            new() { ["type"] = "0", ["method"] = "1", ["url"] = "http://10.0.0.1/hook", ["status"] = "1" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("aria-invalid=\"true\" aria-describedby=\"url-error\"", ana.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"url-error\"", ana.Html, StringComparison.Ordinal);
        Assert.Contains("value=\"http://10.0.0.1/hook\"", ana.Html, StringComparison.Ordinal);
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var listed = await UapiCalls.ReadJsonAsync(await api.GetAsync(UapiCalls.Events("@me", "0003*210") + "?filterBy=url&filterValue=10.0.0.1"));
        Assert.Equal("0", listed.GetProperty("totalResults").ToString());
    }

    [Fact]
    public async Task EveryFormSentWithoutItsAntiforgeryTokenIsRefusedAndChangesNothing()
    {
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(api, "@me", "0003*210", type: 3, url: "https://crm.example.com/hooks/kept");
        using var ana = await fixture.SignedInAsync(Ids.User);
        string[] forms =
        [
            "/console/signout",
            "/console/extensions/0003*210/events",
            $"/console/extensions/0003*210/events/3/{id}",
            $"/console/extensions/0003*210/events/3/{id}/status",
            "/console/extensions/0003*210/delete",
            "/console/extensions/0003*210/test-call",
            $"/console/extensions/0003*210/events/3/{id}/deliveries/abc/replay",
        ];
        foreach (var path in forms)
        {
            var (status, type) = await ana.PostAsync(path, new() { ["type"] = "3", ["id"] = id, ["status"] = "0", ["url"] = "https://crm.example.com/x", ["method"] = "1", ["outcome"] = "ANSWER" }, withToken: false);
            Assert.True(status == HttpStatusCode.BadRequest, $"{path}: {(int)status}");
            Assert.Equal("text/html", type);
            Assert.Equal("Form refused", ana.Heading);
        }
        var one = (await UapiCalls.ReadJsonAsync(await api.GetAsync(UapiCalls.Events("@me", "0003*210", "3", id)))).GetProperty("entry")[0];
        Assert.Equal("1", one.GetProperty("status").GetString());
        var (still, _) = await ana.GetAsync("/console/extensions");
        Assert.Equal(HttpStatusCode.OK, still); // the sign-out without a token did not sign out
    }

    [Fact]
    public async Task EveryPageHasOneHeadingAndTheStrictPolicy()
    {
        var api = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(api, "@me", "0003*211", type: 1, url: "https://crm.example.com/hooks/pages");
        using var ana = await fixture.SignedInAsync(Ids.User);
        string[] pages =
        [
            "/console/extensions", "/console/extensions/0003*211", "/console/extensions/0003*211/events/new",
            $"/console/extensions/0003*211/events/1/{id}/edit", "/console/extensions/0003*211/delete?type=1",
            $"/console/extensions/0003*211/events/1/{id}/deliveries", "/console/nowhere",
        ];
        foreach (var page in pages)
        {
            using var response = await ana.Http.GetAsync(page);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(Web.PageSecurityHeaders.Policy, response.Headers.GetValues("Content-Security-Policy").Single());
            Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<h1"));
            Assert.Contains("<html lang=\"en\">", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        }
    }

    private static string Token(string html) => ConsoleBrowser.Token(html) ?? "";
}
