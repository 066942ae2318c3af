using System.Text;

namespace CallEvents.Demo;

/// <summary>What a person sees on first run: the demo credentials and a curl sequence that works as printed.</summary>
public static class DemoBanner
{
    public static string Credentials(DemoTenantOut demo)
    {
        var apps = demo.Apps!;
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("Demo tenant created. These secrets are shown only once:");
        text.AppendLine($"  admin app         client_id={apps.Admin.ClientId} client_secret={apps.Admin.ClientSecret}");
        text.AppendLine($"  organization 0003 client_id={apps.Organization.ClientId} client_secret={apps.Organization.ClientSecret}");
        text.AppendLine($"  user {demo.Accounts.User,-12} client_id={apps.User.ClientId} client_secret={apps.User.ClientSecret}");
        text.AppendLine("  extensions: " + string.Join(", ", demo.Extensions.Select(e => $"{e.Number} ({e.Type}, {e.OwnerId})")));
        return text.ToString();
    }

    public static string CurlSequence(DemoTenantOut demo, string baseUrl)
    {
        var user = demo.Apps!.User;
        var events = $"{baseUrl}/uapi/extensions/@me/0003*210/phoneCallEvents";
        return $"""

            Try it (as the user app, on extension 0003*210):

              TOKEN=$(curl -s {baseUrl}/oauth/token.php -d grant_type=client_credentials -d client_id={user.ClientId} -d client_secret={user.ClientSecret} | grep -o '"access_token": *"[^"]*"' | cut -d'"' -f4)
              curl -s -X POST '{events}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"{"}"type":"0","method":"1","url":"https://crm.example.com/hooks/calls","note":"CRM screen-pop"{"}"}'; echo
              curl -s '{events}' -H "Authorization: Bearer $TOKEN"; echo
              curl -s -X DELETE '{events}' -H "Authorization: Bearer $TOKEN"; echo

            """;
    }
}
