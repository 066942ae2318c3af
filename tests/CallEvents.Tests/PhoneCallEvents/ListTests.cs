using System.Globalization;
using System.Net;
using System.Text.Json;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>One host whose extension 0003*211 holds a fixed set of 25 events, made once for the class.</summary>
public sealed class ListFixture : IAsyncLifetime
{
    // Ana's second Phone Terminal; nothing else writes there.
    public const string Extension = "0003*211";
    private readonly HostFixture _host = new();

    public CallEventsHost Host => _host.Host;
    public DemoClients Clients { get; private set; } = null!;
    public List<(string Id, int Type, string Url, int Method, string? Note)> Events { get; } = [];

    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        Clients = new DemoClients(Host);
        var client = await Clients.UserAsync();
        // urls u00…u24 created in a shuffled order, types 0–4, methods alternating, every third with a note.
        foreach (var i in Enumerable.Range(0, 25).OrderBy(i => (i * 7) % 25))
        {
            var url = $"https://crm.example.com/u{i:00}";
            var note = i % 3 == 0 ? $"note {i}" : null;
            var id = await Hooks.CreateAsync(client, "@me", Extension, type: i % 5, url: url, method: i % 2, note: note);
            Events.Add((id, i % 5, url, i % 2, note));
        }
    }

    public Task DisposeAsync() => _host.DisposeAsync();
}

/// <summary>List and Get (contract §7): paging, filtering, sorting, field selection, and their errors.</summary>
public sealed class ListTests(ListFixture fixture) : IClassFixture<ListFixture>
{
    private static readonly int[] EvenPage = [10, 12, 14, 16, 18];

    private const string Extension = ListFixture.Extension;
    private readonly DemoClients _clients = fixture.Clients;
    private readonly List<(string Id, int Type, string Url, int Method, string? Note)> _events = fixture.Events;

    private async Task<JsonElement> GetOkAsync(string query, string userId = "@me", string? type = null)
    {
        var client = await _clients.UserAsync();
        using var response = await client.GetAsync(UapiCalls.Events(userId, Extension, type) + query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string[] Urls(JsonElement page) => [.. page.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("url").GetString()!)];

    [Fact]
    public async Task TheFirstPageHasTwentyEntriesSortedByUrlAndALinkToTheNext()
    {
        var page = await GetOkAsync("");
        Assert.Equal(25, page.GetProperty("totalResults").GetInt32());
        Assert.Equal(20, page.GetProperty("itemsPerPage").GetInt32());
        Assert.Equal(0, page.GetProperty("startIndex").GetInt32());
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"https://crm.example.com/u{i:00}"), Urls(page));
        var paging = page.GetProperty("paging");
        Assert.False(paging.TryGetProperty("prev", out _));
        var next = new Uri(paging.GetProperty("next").GetString()!);
        Assert.Equal(fixture.Host.BaseAddress.Authority, next.Authority);
        Assert.Equal("/uapi/extensions/@me/0003*211/phoneCallEvents", Uri.UnescapeDataString(next.AbsolutePath));
        Assert.Contains("startIndex=20", next.Query, StringComparison.Ordinal);
        Assert.Contains("count=20", next.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowingNextAndPrevWalksEveryEntryExactlyOnce()
    {
        var client = await _clients.UserAsync();
        var seen = new List<string>();
        string? link = UapiCalls.Events("@me", Extension) + "?count=7&sortOrder=descending";
        var pages = 0;
        string? lastPrev = null;
        while (link is not null && pages < 10)
        {
            using var response = await client.GetAsync(link);
            var page = await UapiCalls.ReadJsonAsync(response);
            seen.AddRange(Urls(page));
            Assert.Equal(7, page.GetProperty("itemsPerPage").GetInt32());
            var paging = page.GetProperty("paging");
            link = paging.TryGetProperty("next", out var next) ? next.GetString() : null;
            lastPrev = paging.TryGetProperty("prev", out var prev) ? prev.GetString() : null;
            pages++;
        }
        Assert.Equal(4, pages);
        Assert.Equal(_events.Select(e => e.Url).OrderDescending(StringComparer.Ordinal), seen);
        Assert.Contains("startIndex=14", lastPrev, StringComparison.Ordinal);
        Assert.Contains("sortOrder=descending", lastPrev, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APageThatHoldsEverythingHasNoPaging()
    {
        var page = await GetOkAsync("?count=25");
        Assert.Equal(25, page.GetProperty("entry").GetArrayLength());
        Assert.False(page.TryGetProperty("paging", out _));
    }

    [Fact]
    public async Task AStartIndexPastTheEndAnswersAnEmptyEntryWithAPrevLink()
    {
        var page = await GetOkAsync("?startIndex=40&count=10");
        Assert.Equal(0, page.GetProperty("entry").GetArrayLength());
        Assert.Equal(25, page.GetProperty("totalResults").GetInt32());
        Assert.Equal(40, page.GetProperty("startIndex").GetInt32());
        Assert.False(page.GetProperty("paging").TryGetProperty("next", out _));
        Assert.Contains("startIndex=30", page.GetProperty("paging").GetProperty("prev").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExtensionWithoutEventsAnswersAnEmptyEntry()
    {
        var client = await _clients.UserAsync();
        using var response = await client.GetAsync(UapiCalls.Events("@me", "0003*210", "4") + "?filterBy=note&filterOp=equals&filterValue=nothing-has-this");
        var page = await UapiCalls.ReadJsonAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Array, page.GetProperty("entry").ValueKind);
        Assert.Equal(0, page.GetProperty("entry").GetArrayLength());
        Assert.Equal(0, page.GetProperty("totalResults").GetInt32());
        Assert.False(page.TryGetProperty("paging", out _));
    }

    [Fact]
    public async Task TheTypeInThePathNarrowsTheList()
    {
        var page = await GetOkAsync("", type: "2");
        Assert.Equal(_events.Where(e => e.Type == 2).Select(e => e.Url).Order(StringComparer.Ordinal), Urls(page));
        Assert.All(page.GetProperty("entry").EnumerateArray(), e => Assert.Equal("2", e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task GetWithAnIdAnswersThatOneEventAsACollection()
    {
        var target = _events[3];
        var page = await GetOkAsync("", type: target.Type.ToString(CultureInfo.InvariantCulture));
        Assert.Contains(target.Id, page.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("id").GetString()));

        var client = await _clients.UserAsync();
        using var response = await client.GetAsync(UapiCalls.Events("@me", Extension, target.Type.ToString(CultureInfo.InvariantCulture), target.Id));
        var one = await UapiCalls.ReadJsonAsync(response);
        Assert.Equal(1, one.GetProperty("totalResults").GetInt32());
        Assert.Equal(target.Id, one.GetProperty("entry")[0].GetProperty("id").GetString());

        // Its id under another type, or on another extension, is unknown.
        using var otherType = await client.GetAsync(UapiCalls.Events("@me", Extension, ((target.Type + 1) % 5).ToString(CultureInfo.InvariantCulture), target.Id));
        await UapiCalls.AssertErrorAsync(otherType, HttpStatusCode.BadRequest, "pce_id_invalid");
        using var otherExtension = await client.GetAsync(UapiCalls.Events("@me", "0003*210", target.Type.ToString(CultureInfo.InvariantCulture), target.Id));
        await UapiCalls.AssertErrorAsync(otherExtension, HttpStatusCode.BadRequest, "pce_id_invalid");
        using var unknown = await client.GetAsync(UapiCalls.Events("@me", Extension, "0", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"));
        await UapiCalls.AssertErrorAsync(unknown, HttpStatusCode.BadRequest, "pce_id_invalid");
    }

    public static TheoryData<string, int[]> Filters() => new()
    {
        { "?filterBy=url&filterValue=u1", [10, 11, 12, 13, 14, 15, 16, 17, 18, 19] },
        { "?filterBy=url&filterOp=contains&filterValue=/u2", [20, 21, 22, 23, 24] },
        { "?filterBy=url&filterOp=equals&filterValue=https://crm.example.com/u07", [7] },
        { "?filterBy=url&filterOp=equals&filterValue=u07", [] },
        { "?filterBy=url&filterOp=startsWith&filterValue=https://crm.example.com/u0", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { "?filterBy=url&filterOp=startsWith&filterValue=crm", [] },
        { "?filterBy=type&filterOp=equals&filterValue=3", [3, 8, 13, 18, 23] },
        { "?filterBy=method&filterValue=1", [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23] },
        { "?filterBy=status&filterOp=equals&filterValue=1", [.. Enumerable.Range(0, 25)] },
        { "?filterBy=status&filterOp=equals&filterValue=0", [] },
        { "?filterBy=note&filterOp=present", [0, 3, 6, 9, 12, 15, 18, 21, 24] },
        { "?filterBy=note&filterOp=contains&filterValue=note 1", [12, 15, 18] },
        { "?filterBy=note&filterOp=equals&filterValue=note 6", [6] },
        // Unknown query parameters are ignored, including a widely sent misspelling.
        { "?filterBy=type&filterOp=equals&filterValue=0&sortOder=descending&foo=bar", [0, 5, 10, 15, 20] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task FilterByFilterOpAndFilterValueSelectTheMatchingEvents(string query, int[] expected)
    {
        var page = await GetOkAsync(query + "&count=100");
        Assert.Equal(expected.Select(i => $"https://crm.example.com/u{i:00}"), Urls(page));
        Assert.Equal(expected.Length, page.GetProperty("totalResults").GetInt32());
    }

    [Fact]
    public async Task TheFilterIsAppliedBeforePagingAndKeptInTheLinks()
    {
        var page = await GetOkAsync("?filterBy=method&filterOp=equals&filterValue=0&count=5&startIndex=5");
        Assert.Equal(13, page.GetProperty("totalResults").GetInt32());
        Assert.Equal(EvenPage.Select(i => $"https://crm.example.com/u{i:00}"), Urls(page));
        var next = page.GetProperty("paging").GetProperty("next").GetString()!;
        var prev = page.GetProperty("paging").GetProperty("prev").GetString()!;
        foreach (var link in new[] { next, prev })
        {
            Assert.Contains("filterBy=method", link, StringComparison.Ordinal);
            Assert.Contains("filterValue=0", link, StringComparison.Ordinal);
            Assert.Contains("count=5", link, StringComparison.Ordinal);
        }
        Assert.Contains("startIndex=10", next, StringComparison.Ordinal);
        Assert.Contains("startIndex=0", prev, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SortOrderDescendingReversesTheUrlOrder()
    {
        var ascending = Urls(await GetOkAsync("?count=25&sortOrder=ascending"));
        var descending = Urls(await GetOkAsync("?count=25&sortOrder=descending"));
        Assert.Equal(_events.Select(e => e.Url).Order(StringComparer.Ordinal), ascending);
        Assert.Equal(ascending.Reverse(), descending);
    }

    [Fact]
    public async Task FieldsKeepsOnlyTheNamedFieldsAndAlwaysTheId()
    {
        var page = await GetOkAsync("?fields=url,note&count=25");
        foreach (var entry in page.GetProperty("entry").EnumerateArray())
        {
            var names = entry.EnumerateObject().Select(p => p.Name).ToArray();
            Assert.Contains("id", names);
            Assert.Contains("url", names);
            Assert.Empty(names.Except(["id", "url", "note"]));
        }
        var onlyId = await GetOkAsync("?fields=id");
        Assert.All(onlyId.GetProperty("entry").EnumerateArray(), e => Assert.Equal(["id"], e.EnumerateObject().Select(p => p.Name)));
        var withLinks = await GetOkAsync("?fields=type,links");
        Assert.All(withLinks.GetProperty("entry").EnumerateArray(),
            e => Assert.Equal(["id", "type", "links"], e.EnumerateObject().Select(p => p.Name)));
    }

    [Fact]
    public async Task EntriesWriteNumbersAsStringsWithModifiedAndASelfLinkInTheRequestsUserIdForm()
    {
        foreach (var userId in new[] { "@me", "@viewer", "@owner", "user-0003-ana" })
        {
            var page = await GetOkAsync("?count=25", userId);
            foreach (var entry in page.GetProperty("entry").EnumerateArray())
            {
                var expected = _events.Single(e => e.Id == entry.GetProperty("id").GetString());
                Assert.Equal(expected.Type.ToString(CultureInfo.InvariantCulture), entry.GetProperty("type").GetString());
                Assert.Equal(expected.Method.ToString(CultureInfo.InvariantCulture), entry.GetProperty("method").GetString());
                Assert.Equal("1", entry.GetProperty("status").GetString());
                Assert.Equal(expected.Url, entry.GetProperty("url").GetString());
                Assert.Equal(expected.Note is not null, entry.TryGetProperty("note", out _));
                Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$", entry.GetProperty("modified").GetString());
                Assert.True(DateTimeOffset.UtcNow - DateTimeOffset.Parse(entry.GetProperty("modified").GetString()!, System.Globalization.CultureInfo.InvariantCulture) < TimeSpan.FromHours(1));
                Assert.Equal($"{fixture.Host.BaseAddress.ToString().TrimEnd('/')}/uapi/extensions/{userId}/{Extension}/phoneCallEvents/{expected.Type}/{expected.Id}",
                    entry.GetProperty("links").GetProperty("self").GetString());
            }
        }
    }

    public static TheoryData<string, string> BadQueries() => new()
    {
        { "?count=0", "count_invalid" },
        { "?count=5001", "count_invalid" },
        { "?count=-1", "count_invalid" },
        { "?count=x", "count_invalid" },
        { "?count=", "count_invalid" },
        { "?count=1.5", "count_invalid" },
        { "?count=99999999999", "count_invalid" },
        { "?count=1&count=2", "count_invalid" },
        { "?startIndex=-1", "startindex_invalid" },
        { "?startIndex=5001", "startindex_invalid" },
        { "?startIndex=x", "startindex_invalid" },
        { "?startIndex=", "startindex_invalid" },
        { "?filterBy=links&filterValue=x", "filterby_invalid" },
        { "?filterBy=foo&filterValue=x", "filterby_invalid" },
        { "?filterBy=URL&filterValue=x", "filterby_invalid" },
        { "?filterBy=", "filterby_invalid" },
        { "?filterBy=url&filterOp=like&filterValue=x", "filterop_invalid" },
        { "?filterBy=url&filterOp=&filterValue=x", "filterop_invalid" },
        { "?filterBy=url", "filtervalue_invalid" },
        { "?filterBy=url&filterOp=equals", "filtervalue_invalid" },
        { "?sortOrder=up", "sortorder_invalid" },
        { "?sortOrder=", "sortorder_invalid" },
        { "?fields=foo", "fields_invalid" },
        { "?fields=url,,note", "fields_invalid" },
        { "?fields=", "fields_invalid" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task ABadQueryValueGetsItsCode(string query, string code)
    {
        var client = await _clients.UserAsync();
        using var response = await client.GetAsync(UapiCalls.Events("@me", Extension) + query);
        await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task TheLargestCountAndStartIndexAreAccepted()
    {
        var page = await GetOkAsync("?count=5000&startIndex=5000");
        Assert.Equal(0, page.GetProperty("entry").GetArrayLength());
        Assert.Equal(5000, page.GetProperty("itemsPerPage").GetInt32());
    }
}
