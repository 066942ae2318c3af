using CallEvents.Hosting.Settings;

namespace CallEvents.OAuth;

/// <summary>The <c>OAuth</c> configuration section; see docs/configuration.md.</summary>
public sealed class OAuthOptions : ISettings
{
    public static string Section => "OAuth";

    /// <summary>A name, never resolved (.invalid); the same on every node (docs/scale-out.md).</summary>
    public const string DefaultIssuer = "https://callevents.invalid/";

    /// <summary>The tokens' <c>iss</c>; empty means <c>Hosting:PublicBaseUrl</c>, or <see cref="DefaultIssuer"/> without one.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>How long a validated token is trusted without a full validation (OAuth/Tokens/TokenValidationCache.cs); 0 turns the cache off.</summary>
    public double ValidatedTokenCacheSeconds { get; set; } = 2;

    public Uri IssuerFor(Hosting.HostingOptions hosting) =>
        Issuer is { Length: > 0 } issuer ? new Uri(issuer) : hosting.PublicBase ?? new Uri(DefaultIssuer);

    public void Check(SettingsCheck check)
    {
        // What OpenIddict accepts as an issuer (SetIssuer): an absolute URI that is not a file path.
        check.That(Issuer.Length == 0 || (Uri.TryCreate(Issuer, UriKind.Absolute, out var uri) && !uri.IsFile),
            nameof(Issuer), $"must be an absolute URL, such as {DefaultIssuer}; it is '{Issuer}'");
        // Longer would change nothing: an entry is never trusted past its token's expiry.
        check.Between(ValidatedTokenCacheSeconds, 0, OAuthSetup.AccessTokenLifetime.TotalSeconds);
    }
}
