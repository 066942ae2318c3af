using System.Text;

namespace CallEvents.Demo;

/// <summary>
/// What a person sees in the terminal when <c>serve</c> starts: on the first run the demo apps'
/// credentials as <c>export</c> lines to paste and a curl sequence that works as printed (with
/// those variables, the same names as README.md's); on later runs one line on where the demo stands.
/// Written to standard output directly, never through logging: the secrets must not reach a log.
/// </summary>
public static class DemoBanner
{
    public const string NoAccounts =
        "No accounts yet: create the demo tenant with 'callevents demo', or the first ones with 'callevents accounts add --kind Admin --name …' and 'callevents apps add --account … --trusted'.";

    /// <summary>Where the server is, for <c>callevents demo</c>, which does not listen itself: the first http:// of <c>Urls</c>.</summary>
    public static string DefaultServer(IServiceProvider services)
    {
        var urls = services.GetRequiredService<IConfiguration>()[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : Hosting.Serving.DefaultUrls;
        var split = urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return split.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? split.FirstOrDefault() ?? "http://127.0.0.1:5080";
    }

    public static string Credentials(DemoTenantOut demo, string baseUrl)
    {
        var apps = demo.Apps!;
        var accounts = demo.Accounts;
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Demo tenant created. Its secrets are shown only this once; paste these lines into a shell:");
        text.AppendLine();
        text.AppendLine($"  export CALLEVENTS_SERVER={baseUrl}");
        text.AppendLine($"  export ADMIN_ID={apps.Admin.ClientId} ADMIN_SECRET={apps.Admin.ClientSecret}");
        text.AppendLine($"  export ORG_ID={apps.Organization.ClientId} ORG_SECRET={apps.Organization.ClientSecret}");
        text.AppendLine($"  export USER_ID={apps.User.ClientId} USER_SECRET={apps.User.ClientSecret}");
        text.AppendLine($"  export ADMIN_ACCOUNT={accounts.Admin} ORG_ACCOUNT={accounts.Organization} USER_ACCOUNT={accounts.User}");
        text.AppendLine();
        text.AppendLine($"  ADMIN: the Admin's app; ORG: organization 0003's ({accounts.Organization}); USER: {accounts.User}'s. All trusted (client credentials).");
        text.AppendLine("  extensions: " + string.Join(", ", demo.Extensions.Select(e => $"{e.Number} ({e.Type}, {e.OwnerId})")));
        return text.ToString();
    }

    /// <summary>The demo accounts' sign-ins (documented, not secret), for the sign-in page and the console.</summary>
    public static string SignIns(IEnumerable<DemoLogin> logins) =>
        Environment.NewLine + "  sign-in (account / password) at /oauth/authorize and the console: "
        + string.Join(", ", logins.Select(l => $"{l.AccountId} / {l.Password}")) + Environment.NewLine;

    /// <summary>Token, create, list, delete as the user app; it stops with a message when no token came back.</summary>
    public static string CurlSequence()
    {
        const string events = "\"$CALLEVENTS_SERVER/uapi/extensions/@me/0003*210/phoneCallEvents\"";
        return $$"""

            Try it (as the user app, on extension 0003*210), after the export lines:

              TOKEN=$(curl -sS "$CALLEVENTS_SERVER/oauth/token.php" -d grant_type=client_credentials -d client_id="$USER_ID" -d client_secret="$USER_SECRET" | grep -o '"access_token": *"[^"]*"' | cut -d'"' -f4) && [ -n "$TOKEN" ] || echo "no token: check CALLEVENTS_SERVER, USER_ID and USER_SECRET" >&2
              curl -sS -w '\n' -X POST {{events}} -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"type":"0","method":"1","url":"https://crm.example.com/hooks/calls","note":"CRM screen-pop"}'
              curl -sS -w '\n' {{events}} -H "Authorization: Bearer $TOKEN"
              curl -sS -w '\n' -X DELETE {{events}} -H "Authorization: Bearer $TOKEN"

            """;
    }

    /// <summary>A later start: the tenant is there, its secrets were shown when it was made.</summary>
    public static string Existing(DemoClientIds ids) =>
        $"Demo tenant present: ADMIN_ID={ids.Admin ?? "(removed)"} ORG_ID={ids.Organization ?? "(removed)"} USER_ID={ids.User ?? "(removed)"}; "
        + "their secrets were shown when it was created (a new one: 'callevents apps regenerate-secret --client-id …').";
}
