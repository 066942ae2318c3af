using System.Net;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.PhoneCallEvents;

namespace CallEvents.Tests.Accounts;

/// <summary>
/// Contract §4, cell by cell: each demo token (Admin, Organization 0003, user Ana) against each
/// kind of extension, through each userId form, for each operation. The outcome of a cell does
/// not depend on the operation, so the table lists one row per token × extension and the
/// operations are multiplied in.
/// </summary>
public sealed class ContextMatrixTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Ok = "ok";
    private const string UserInvalid = "user_invalid";
    private const string ExtensionInvalid = "extension_invalid";
    private const string AccessDenied = "pce_access_denied";

    // The demo tenant: Ana (the user app) owns 0003*210 and the Voicemail Center 0003*250, her
    // colleague Ben owns 0003*212, Cam of organization 0004 owns 0004*210.
    private const string Own = "0003*210";
    private const string Colleagues = "0003*212";
    private const string OtherOrganizations = "0004*210";
    private const string Voicemail = "0003*250";

    private static readonly Dictionary<string, string> OwnerOf = new()
    {
        [Own] = "user-0003-ana",
        [Colleagues] = "user-0003-ben",
        [OtherOrganizations] = "user-0004-cam",
        [Voicemail] = "user-0003-ana",
    };

    /// <summary>token, extension → expected outcome with @me, @viewer, @owner, and the owner's id.</summary>
    private static readonly (string Token, string Extension, string Me, string Viewer, string Owner, string ById)[] Table =
    [
        ("admin",        Own,                Ok,               Ok,               Ok,               Ok),
        ("admin",        Colleagues,         Ok,               Ok,               Ok,               Ok),
        ("admin",        OtherOrganizations, Ok,               Ok,               Ok,               Ok),
        ("admin",        Voicemail,          ExtensionInvalid, ExtensionInvalid, ExtensionInvalid, ExtensionInvalid),

        ("organization", Own,                Ok,               Ok,               Ok,               Ok),
        ("organization", Colleagues,         Ok,               Ok,               Ok,               Ok),
        // Cam is not a user the organization can see, so the userId fails before the extension.
        ("organization", OtherOrganizations, ExtensionInvalid, ExtensionInvalid, ExtensionInvalid, UserInvalid),
        ("organization", Voicemail,          ExtensionInvalid, ExtensionInvalid, ExtensionInvalid, ExtensionInvalid),

        ("user",         Own,                Ok,               Ok,               Ok,               Ok),
        // Inside Ana's organization but not hers: step 4 of §4.
        ("user",         Colleagues,         AccessDenied,     AccessDenied,     AccessDenied,     AccessDenied),
        ("user",         OtherOrganizations, ExtensionInvalid, ExtensionInvalid, ExtensionInvalid, UserInvalid),
        ("user",         Voicemail,          ExtensionInvalid, ExtensionInvalid, ExtensionInvalid, ExtensionInvalid),
    ];

    public static readonly string[] Operations = ["create", "list", "get", "update", "delete one", "delete by type", "delete all"];

    public static TheoryData<string, string, string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string, string, string>();
        foreach (var row in Table)
        {
            foreach (var (userId, expected) in new[] { ("@me", row.Me), ("@viewer", row.Viewer), ("@owner", row.Owner), (OwnerOf[row.Extension], row.ById) })
            {
                foreach (var operation in Operations)
                {
                    data.Add(row.Token, row.Extension, userId, operation, expected);
                }
            }
        }
        return data;
    }

    private readonly DemoClients _clients = new(fixture.Host);

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task EachTokenManagesExactlyTheExtensionsItsContextAllows(string token, string extension, string userId, string operation, string expected)
    {
        var client = await _clients.For(token);
        var admin = await _clients.AdminAsync();
        // An event of type 2 for the operations that name one, made by the Admin, so that a
        // refused cell can be checked to have changed nothing.
        var seeded = extension == Voicemail
            ? "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            : await Hooks.CreateAsync(admin, "@owner", extension, type: 2);
        var before = extension == Voicemail ? [] : await _clients.IdsOnAsync(extension);

        using var response = await Perform(client, operation, userId, extension, seeded);

        if (expected != Ok)
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, expected);
            if (extension != Voicemail)
            {
                Assert.Equal(before, await _clients.IdsOnAsync(extension));
                var seed = await _clients.ReadAsync(extension, 2, seeded);
                Assert.False(seed!.Value.TryGetProperty("note", out _), "a refused update changed the event");
            }
            return;
        }

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation}: {(int)response.StatusCode} {body}");
        var after = await _clients.IdsOnAsync(extension);
        switch (operation)
        {
            case "create":
                var created = (await UapiCalls.IdsAsync(response)).Single();
                Assert.Equal(before.Append(created).Order(StringComparer.Ordinal), after);
                break;
            case "list" or "get":
                Assert.Contains(seeded, await UapiCalls.IdsAsync(response));
                Assert.Equal(before, after);
                break;
            case "update":
                Assert.Equal("changed by the matrix", (await _clients.ReadAsync(extension, 2, seeded))!.Value.GetProperty("note").GetString());
                break;
            case "delete one":
                Assert.Equal($"[{{\"id\":\"{seeded}\"}}]", body);
                Assert.Equal(before.Where(id => id != seeded), after);
                break;
            default:
                var deleted = await UapiCalls.IdsAsync(response);
                Assert.Contains(seeded, deleted);
                Assert.Equal(before.Except(deleted), after);
                Assert.DoesNotContain(seeded, after);
                break;
        }
    }

    private static Task<HttpResponseMessage> Perform(HttpClient client, string operation, string userId, string extension, string seeded) => operation switch
    {
        "create" => client.PostAsync(UapiCalls.Events(userId, extension), UapiCalls.Json("""{"type":"1","method":"0","url":"https://crm.example.com/cell"}""")),
        // Every event on one page: cells add events, and the seeded one must be listed whatever its rank.
        "list" => client.GetAsync(UapiCalls.Events(userId, extension) + "?count=5000"),
        "get" => client.GetAsync(UapiCalls.Events(userId, extension, "2", seeded)),
        "update" => client.PutAsync(UapiCalls.Events(userId, extension, "2", seeded), UapiCalls.Json("""{"note":"changed by the matrix"}""")),
        "delete one" => client.DeleteAsync(UapiCalls.Events(userId, extension, "2", seeded)),
        "delete by type" => client.DeleteAsync(UapiCalls.Events(userId, extension, "2")),
        "delete all" => client.DeleteAsync(UapiCalls.Events(userId, extension)),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    public static TheoryData<string, string, string, string> NamedUsers() => new()
    {
        // token, userId, extension, expected: the extension must be owned by the named user.
        { "admin", "user-0003-ana", Colleagues, ExtensionInvalid },
        { "admin", "user-0004-cam", Own, ExtensionInvalid },
        { "organization", "user-0003-ben", Own, ExtensionInvalid },
        // A colleague named with her own extension: not the colleague's, so extension_invalid comes first.
        { "user", "user-0003-ben", Own, ExtensionInvalid },
        // Accounts that are not users, or no account at all.
        { "admin", "org-0003", Own, UserInvalid },
        { "admin", "sp-demo", Own, UserInvalid },
        { "admin", "admin", Own, UserInvalid },
        { "admin", "no-such-user", Own, UserInvalid },
        { "organization", "user-0004-cam", OtherOrganizations, UserInvalid },
        { "organization", "org-0003", Own, UserInvalid },
        { "user", "user-0004-cam", Own, UserInvalid },
        { "user", "no-such-user", Own, UserInvalid },
        // userId is checked before the extension: a bad user and a bad extension is user_invalid.
        { "user", "no-such-user", "0003*2100", UserInvalid },
        { "user", "@self", "@self", UserInvalid },
    };

    [Theory]
    [MemberData(nameof(NamedUsers))]
    public async Task AnExplicitUserIdMustBeAVisibleUserWhoOwnsTheExtension(string token, string userId, string extension, string expected)
    {
        var client = await _clients.For(token);
        foreach (var operation in Operations)
        {
            using var response = await Perform(client, operation, userId, extension, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.BadRequest, expected);
        }
    }

    [Fact]
    public async Task TheTokenIsCheckedBeforeAnythingInThePath()
    {
        using var anonymous = new HttpClient { BaseAddress = fixture.Host.BaseAddress };
        foreach (var operation in Operations)
        {
            using var response = await Perform(anonymous, operation, "@self", "@self", "x");
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
        }
    }
}
