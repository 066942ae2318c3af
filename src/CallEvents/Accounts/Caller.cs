using System.Security.Claims;

namespace CallEvents.Accounts;

/// <summary>
/// The authenticated account a token acts as: the account its app is registered to. Built from
/// the token's claims, which the token endpoint writes (see OAuth/Tokens/TokenEndpoint.cs).
/// </summary>
public sealed record Caller(string AccountId, AccountKind Kind, string? OrganizationId, string? OrganizationCode, string ClientId)
{
    public const string KindClaim = "ce_kind";
    public const string OrganizationClaim = "ce_org";
    public const string OrganizationCodeClaim = "ce_org_code";

    /// <summary>The OAuth client (app) a token was issued to: its client_id claim, or azp in tokens that name it so.</summary>
    public static string? ClientIdOf(ClaimsPrincipal principal) =>
        principal.FindFirst("client_id")?.Value ?? principal.FindFirst("azp")?.Value;

    public static Caller? FromPrincipal(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirst("sub")?.Value;
        var clientId = ClientIdOf(principal);
        if (subject is null || clientId is null || !Enum.TryParse<AccountKind>(principal.FindFirst(KindClaim)?.Value, out var kind))
        {
            return null;
        }
        return new Caller(subject, kind,
            principal.FindFirst(OrganizationClaim)?.Value,
            principal.FindFirst(OrganizationCodeClaim)?.Value,
            clientId);
    }
}
