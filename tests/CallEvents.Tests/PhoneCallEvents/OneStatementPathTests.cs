using System.Net;
using System.Text;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>
/// Get one and an update (and on PostgreSQL the first page of a list) run the extension check and
/// the work as one statement (PhoneCallEvents/Handlers/OneStatementReads.cs, UpdatePhoneCallEvent.cs);
/// every other case, and every refusal, goes to the full path. These pin what that must not
/// change, on either provider: an update reads its body before the check there, yet the route's
/// error still comes before the body's, and nothing of another tenant's extension is answered.
/// </summary>
public sealed class OneStatementPathTests
{
    private const string Own = "0003*211";
    private const string OtherTenants = "0004*210";

    [Fact]
    public async Task AnUpdateOfAnotherTenantsEventAnswersExtensionInvalidWhateverItsBodyAndChangesNothing()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        var theirs = await UapiCalls.CreateAsync(admin, "@owner", OtherTenants, type: 2, url: "https://crm.example.com/theirs");

        foreach (var body in new[] { """{"note":"changed"}""", """{"status":"x"}""", """{"note":""", "[]" })
        {
            using var response = await user.PutAsync(UapiCalls.Events("@me", OtherTenants, "2", theirs), new StringContent(body, Encoding.UTF8, "application/json"));
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, "extension_invalid");
        }
        using var read = await admin.GetAsync(UapiCalls.Events("@owner", OtherTenants, "2", theirs));
        var entry = (await UapiCalls.ReadJsonAsync(read)).GetProperty("entry")[0];
        Assert.False(entry.TryGetProperty("note", out _), "a refused update changed another tenant's event");
    }

    [Fact]
    public async Task AnUpdateOnTheCallersOwnExtensionAnswersTheBodysErrorThenTheMissingEventThenTheUpdate()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        var id = await UapiCalls.CreateAsync(user, "@me", Own, type: 2, url: "https://crm.example.com/own");

        using (var badStatus = await user.PutAsync(UapiCalls.Events("@me", Own, "2", id), UapiCalls.Json("""{"status":"x"}""")))
        {
            await UapiCalls.AssertErrorAsync(badStatus, HttpStatusCode.BadRequest, "pce_status_invalid");
        }
        using (var otherType = await user.PutAsync(UapiCalls.Events("@me", Own, "1", id), UapiCalls.Json("""{"note":"changed"}""")))
        {
            await UapiCalls.AssertErrorAsync(otherType, HttpStatusCode.BadRequest, "pce_id_invalid");
        }
        using (var updated = await user.PutAsync(UapiCalls.Events("@me", Own, "2", id), UapiCalls.Json("""{"note":"changed","status":"0"}""")))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
            var entry = (await UapiCalls.ReadJsonAsync(updated))[0];
            Assert.Equal("changed", entry.GetProperty("note").GetString());
            Assert.Equal(id, entry.GetProperty("id").GetString());
        }
        using var read = await user.GetAsync(UapiCalls.Events("@me", Own, "2", id));
        Assert.Equal("changed", (await UapiCalls.ReadJsonAsync(read)).GetProperty("entry")[0].GetProperty("note").GetString());
    }

    [Fact]
    public async Task GetAndListAnswerTheFirstPageAndLaterOnesAlikeAndAnotherTenantsExtensionAsMissing()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await UapiCalls.CreateAsync(user, "@me", Own, type: 1, url: $"https://crm.example.com/p/{i}"));
        }
        var theirs = await UapiCalls.CreateAsync(admin, "@owner", OtherTenants, type: 1, url: "https://crm.example.com/theirs");

        using (var first = await user.GetAsync(UapiCalls.Events("@me", Own) + "?count=2"))
        using (var second = await user.GetAsync(UapiCalls.Events("@me", Own) + "?count=2&startIndex=2"))
        {
            var page1 = await UapiCalls.ReadJsonAsync(first);
            var page2 = await UapiCalls.ReadJsonAsync(second);
            Assert.Equal(5, page1.GetProperty("totalResults").GetInt32());
            Assert.Equal(5, page2.GetProperty("totalResults").GetInt32());
            var listed = (await UapiCalls.IdsAsync(first)).Concat(await UapiCalls.IdsAsync(second)).ToList();
            Assert.Equal(4, listed.Distinct().Count());
            Assert.All(listed, id => Assert.Contains(id, ids));
        }
        using (var one = await user.GetAsync(UapiCalls.Events("@me", Own, "1", ids[3])))
        {
            Assert.Equal([ids[3]], await UapiCalls.IdsAsync(one));
        }
        using (var wrongType = await user.GetAsync(UapiCalls.Events("@me", Own, "2", ids[3])))
        {
            await UapiCalls.AssertErrorAsync(wrongType, HttpStatusCode.BadRequest, "pce_id_invalid");
        }
        using (var theirList = await user.GetAsync(UapiCalls.Events("@me", OtherTenants)))
        {
            await UapiCalls.AssertErrorAsync(theirList, HttpStatusCode.BadRequest, "extension_invalid");
        }
        using var theirOne = await user.GetAsync(UapiCalls.Events("@me", OtherTenants, "1", theirs));
        await UapiCalls.AssertErrorAsync(theirOne, HttpStatusCode.BadRequest, "extension_invalid");
    }

    [Fact]
    public async Task GetOneAnswersTheSameBytesOnItsOneStatementPathAsOnTheFullPathForEveryFormOfTheRoute()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        var id = await UapiCalls.CreateAsync(user, "@me", Own, type: 3, url: "https://crm.example.com/same", note: "same bytes");

        // A filter that keeps the event sends the same request down the full path (the check, then the row).
        const string fullPath = "?filterBy=type&filterOp=equals&filterValue=3";
        foreach (var (client, userId, extension) in new[] { (user, "@me", Own), (user, "@me", "211"), (user, "@viewer", Own), (admin, "@owner", Own), (admin, "user-0003-ana", Own) })
        {
            var path = UapiCalls.Events(userId, extension, "3", id);
            using var one = await client.GetAsync(path);
            using var full = await client.GetAsync(path + fullPath);
            Assert.Equal(HttpStatusCode.OK, one.StatusCode);
            Assert.Equal(HttpStatusCode.OK, full.StatusCode);
            var fast = await UapiCalls.ReadJsonAsync(one);
            var slow = await UapiCalls.ReadJsonAsync(full);
            Assert.Equal(slow.GetProperty("entry").GetRawText(), fast.GetProperty("entry").GetRawText());
            Assert.Equal(1, fast.GetProperty("totalResults").GetInt32());
            Assert.Equal(id, fast.GetProperty("entry")[0].GetProperty("id").GetString());
            Assert.Equal("same bytes", fast.GetProperty("entry")[0].GetProperty("note").GetString());
        }
    }

    /// <summary>
    /// A filter that keeps every event sends a list down the full path (the check, the count, then
    /// the page) on either provider: placed first in the query, its parameters are also the only
    /// difference in the answer's paging links, so removing them from the full path's answer must
    /// leave the answer of a list without it (on PostgreSQL, a first page: the one statement) byte
    /// for byte. On SQLite both are the full path (a list's one statement measured dearer there:
    /// bench/README.md, UAPI on SQLite (session 7)); the test keeps whichever path a list takes in
    /// step with the full one.
    /// </summary>
    private const string FullPathFilter = "filterBy=url&filterOp=startsWith&filterValue=https";

    [Fact]
    public async Task AListAnswersTheSameBytesOnItsOneStatementPathAsOnTheFullPathForEveryPageOrderAndForm()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        // Ties on url, so that the order's second key (the id) decides within them.
        for (var i = 0; i < 7; i++)
        {
            await UapiCalls.CreateAsync(user, "@me", Own, type: i % 4, url: $"https://crm.example.com/order/{i % 3}", note: i % 2 == 0 ? $"note {i}" : null);
        }

        var queries = new[]
        {
            "", "count=3", "count=3&startIndex=3", "count=3&startIndex=6", "startIndex=7", "startIndex=100", "count=1&startIndex=2",
            "sortOrder=descending", "count=2&startIndex=1&sortOrder=descending", "sortOrder=ascending&count=4",
            "fields=id,url", "count=2&fields=note&startIndex=4",
        };
        foreach (var (client, userId, extension) in new[] { (user, "@me", Own), (user, "@me", "211"), (user, "@viewer", Own), (admin, "@owner", Own), (admin, "user-0003-ana", Own) })
        {
            // A presence test of a column that is never empty keeps every row: no filter on either path.
            foreach (var (prefix, query) in queries.Select(q => ("", q)).Append(("filterBy=url&filterOp=present&", "count=2&startIndex=2")))
            {
                var path = UapiCalls.Events(userId, extension);
                var (fastStatus, fast) = await AnswerAsync(client, path + (prefix + query is { Length: > 0 } q ? "?" + q : ""));
                var (fullStatus, full) = await AnswerAsync(client, path + "?" + FullPathFilter + (query.Length == 0 ? "" : "&" + query));
                Assert.True(fastStatus == HttpStatusCode.OK, $"{path}?{prefix}{query}: {(int)fastStatus} {fast}");
                Assert.True(fullStatus == HttpStatusCode.OK, $"{path}?{FullPathFilter}&{query}: {(int)fullStatus} {full}");
                Assert.Equal(full.Replace(FullPathFilter + "&", prefix, StringComparison.Ordinal), fast);
                using var json = System.Text.Json.JsonDocument.Parse(fast);
                Assert.Equal(7, json.RootElement.GetProperty("totalResults").GetInt32());
            }
        }

        // The pages of both orders, read one after the other, are every event once, in reverse of each other.
        var ascending = new List<string>();
        var descending = new List<string>();
        for (var start = 0; start < 7; start += 2)
        {
            using var up = await user.GetAsync(UapiCalls.Events("@me", Own) + $"?count=2&startIndex={start}");
            using var down = await user.GetAsync(UapiCalls.Events("@me", Own) + $"?count=2&startIndex={start}&sortOrder=descending");
            ascending.AddRange(await UapiCalls.IdsAsync(up));
            descending.AddRange(await UapiCalls.IdsAsync(down));
        }
        Assert.Equal(7, ascending.Distinct().Count());
        Assert.Equal(ascending, Enumerable.Reverse(descending));
    }

    [Fact]
    public async Task AListThatIsRefusedAnswersTheSameErrorWhicheverPathItWouldHaveTaken()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        await UapiCalls.CreateAsync(admin, "@owner", OtherTenants, type: 1, url: "https://crm.example.com/theirs");

        var refused = new (HttpClient Client, string UserId, string Extension, string Query, string Code)[]
        {
            (user, "@me", OtherTenants, "", "extension_invalid"),
            (user, "@me", OtherTenants, "count=2&startIndex=1", "extension_invalid"),
            (user, "@me", "0003*299", "", "extension_invalid"),
            (user, "@me", "0003*250", "", "extension_invalid"),
            (user, "@me", "299", "sortOrder=descending", "extension_invalid"),
            (admin, "user-0003-nobody", Own, "", "user_invalid"),
            (admin, "@owner", "0009*210", "", "extension_invalid"),
            // The route is checked before the query string, on both paths.
            (user, "@me", OtherTenants, "count=0", "extension_invalid"),
            (user, "@me", Own, "count=0", "count_invalid"),
            (user, "@me", Own, "startIndex=x", "startindex_invalid"),
            (user, "@me", Own, "sortOrder=sideways", "sortorder_invalid"),
        };
        foreach (var (client, userId, extension, query, code) in refused)
        {
            var path = UapiCalls.Events(userId, extension);
            using var fast = await client.GetAsync(path + (query.Length == 0 ? "" : "?" + query));
            using var full = await client.GetAsync(path + "?" + FullPathFilter + (query.Length == 0 ? "" : "&" + query));
            var fastBody = await fast.Content.ReadAsStringAsync();
            Assert.Equal(await full.Content.ReadAsStringAsync(), fastBody);
            Assert.Equal(full.StatusCode, fast.StatusCode);
            await UapiCalls.AssertErrorAsync(fast, HttpStatusCode.BadRequest, code);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> AnswerAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
