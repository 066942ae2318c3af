using System.Security.Claims;
using CallEvents.OAuth.Tokens;
using OpenIddict.Abstractions;

using static OpenIddict.Abstractions.OpenIddictConstants;

namespace CallEvents.Tests.OAuth;

/// <summary>
/// AccessTokenOnly writes OpenIddict's destinations property itself (once computed, then copied):
/// these fail if OpenIddict stops reading that property as "the access token only".
/// </summary>
public sealed class AccessTokenOnlyTests
{
    private static ClaimsIdentity Identity()
    {
        var identity = new ClaimsIdentity("test", Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, "account-1");
        identity.SetClaim("kind", "User");
        identity.SetClaim("org", "org-1");
        return identity;
    }

    [Fact]
    public void MarkedClaimsGoToTheAccessTokenOnlyAsOpenIddictReadsThem()
    {
        var identity = Identity();
        AccessTokenOnly.Mark(identity);

        Assert.All(identity.Claims, claim =>
        {
            Assert.Equal([Destinations.AccessToken], claim.GetDestinations().ToArray());
            Assert.True(claim.HasDestination(Destinations.AccessToken));
            Assert.False(claim.HasDestination(Destinations.IdentityToken));
        });
    }

    [Fact]
    public void MarkingClaimsLeavesWhatOpenIddictsOwnSetDestinationsLeaves()
    {
        var marked = Identity();
        AccessTokenOnly.Mark(marked);
        var byOpenIddict = Identity();
        byOpenIddict.SetDestinations(_ => [Destinations.AccessToken]);

        Assert.Equal(
            byOpenIddict.Claims.Select(c => (c.Type, c.Value, string.Join(";", c.Properties.Select(p => $"{p.Key}={p.Value}")))),
            marked.Claims.Select(c => (c.Type, c.Value, string.Join(";", c.Properties.Select(p => $"{p.Key}={p.Value}")))));
    }
}
