using System.Security.Claims;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// Sends every claim of an identity to the access token only: what OpenIddict's
/// <c>identity.SetDestinations(_ => [Destinations.AccessToken])</c> does, with the claim property
/// OpenIddict itself wrote for that list once, at start. Why: OpenIddict serializes the list
/// anew for each claim (an array, a stream and a JSON writer per claim), ≈ 11% of the bytes a
/// token request allocated, and every allocated byte brings the next GC pause closer
/// (bench/README.md, Tail latency and memory (session 5)). The property is OpenIddict's public
/// constant and its value OpenIddict's own; <c>AccessTokenOnlyTests</c> fails if OpenIddict
/// reads it differently.
/// </summary>
public static class AccessTokenOnly
{
    private static readonly string Destinations =
        new Claim(Claims.Subject, "-").SetDestinations(OpenIddictConstants.Destinations.AccessToken).Properties[Properties.Destinations];

    public static void Mark(ClaimsIdentity identity)
    {
        foreach (var claim in identity.Claims)
        {
            claim.Properties[Properties.Destinations] = Destinations;
        }
    }
}
