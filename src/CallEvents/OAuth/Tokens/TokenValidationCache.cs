using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CallEvents.Accounts;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// Remembers, for a short while, which bearer tokens OpenIddict has already found valid and the
/// <see cref="Caller"/> each one stands for. Why: a full validation runs OpenIddict's handler
/// pipeline, checks the signature and reads the token's app from the database to compare its
/// secret stamp (SecretStamp.cs: what lets a regenerated secret revoke tokens on every node;
/// a token issued by an earlier version has its token entry read instead); measured with bench/run.sh it
/// was most of the cost of every UAPI request (see bench/README.md for the figures).
///
/// Revocation stays bounded: an entry is trusted for at most <see cref="OAuthOptions.ValidatedTokenCacheSeconds"/>
/// (default 2 s, 0 turns the cache off) and never past the token's own expiry, so a token revoked
/// by a secret regenerated anywhere (another node, the CLI) stops working on every node within that
/// time; a regeneration inside this process drops the app's entries at once. Keys are SHA-256
/// hashes of the token, never the token itself; the cache holds at most <see cref="MaxEntries"/>.
/// Only successes are cached: a bad token always gets the full validation and its 401.
///
/// The full validation is OpenIddict's public <see cref="OpenIddictValidationService.ValidateAccessTokenAsync"/>:
/// the validation handlers of a request (signature, issuer, lifetime, token type, the token entry
/// of a token issued before stamps, and <see cref="OpenIddict.SecretStampHandlers.RefuseStaleStamps"/>)
/// without the ASP.NET Core authentication handler, which would need the authentication middleware
/// on every UAPI request (Hosting/BranchedAuthentication.cs).
/// </summary>
public sealed class TokenValidationCache(TimeProvider clock, IOptions<OAuthOptions> options, OpenIddictValidationService validation)
{
    public const int MaxEntries = 50_000;

    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.ValidatedTokenCacheSeconds);
    private readonly ConcurrentDictionary<TokenKey, Entry> _entries = new();

    private readonly record struct TokenKey(UInt128 High, UInt128 Low);

    private sealed record Entry(Caller Caller, System.Security.Claims.ClaimsPrincipal Principal, DateTimeOffset ValidUntil);

    private sealed record Checked(Caller? Caller);

    private const string CheckedKey = "CallEvents.TokenChecked";

    /// <summary>
    /// The caller of this request: from the cache, or from a full OpenIddict validation (then
    /// cached); once per request. On success the token's principal becomes <c>HttpContext.User</c>
    /// (the rate limiter partitions by its client id).
    /// </summary>
    public async Task<Caller?> AuthenticateAsync(HttpContext http)
    {
        if (http.Items[CheckedKey] is Checked done)
        {
            return done.Caller;
        }
        var caller = await ValidateAsync(http);
        http.Items[CheckedKey] = new Checked(caller);
        return caller;
    }

    private async Task<Caller?> ValidateAsync(HttpContext http)
    {
        var authorization = http.Request.Headers.Authorization.ToString();
        var key = KeyOrNull(authorization);
        if (Cached(key) is { } entry)
        {
            http.User = entry.Principal;
            return entry.Caller;
        }
        var (token, fromHeader) = await TokenOfAsync(http);
        // Cached under the Authorization header only when the token came from it: a header that
        // is not the token (another scheme) must never stand for one found in the query.
        var (caller, principal) = await ValidateAndCacheAsync(token, fromHeader ? key : null, http.RequestAborted);
        if (caller is not null)
        {
            http.User = principal!;
        }
        return caller;
    }

    /// <summary>
    /// The caller <paramref name="token"/> stands for, validated and cached exactly as a UAPI
    /// request's bearer token (under the same key): for a token held elsewhere than a request's
    /// header, as the console's session cookie holds the access token of its sign-in (Web/Console).
    /// </summary>
    public async Task<Caller?> ValidateTokenAsync(string token, CancellationToken cancellationToken)
    {
        var key = KeyOrNull("Bearer " + token);
        return Cached(key) is { } entry ? entry.Caller : (await ValidateAndCacheAsync(NullIfEmpty(token), key, cancellationToken)).Caller;
    }

    private TokenKey? KeyOrNull(string authorization) =>
        authorization.Length > 0 && _lifetime > TimeSpan.Zero ? KeyOf(authorization) : null;

    private Entry? Cached(TokenKey? key)
    {
        if (key is { } hit && _entries.TryGetValue(hit, out var entry))
        {
            if (entry.ValidUntil > clock.GetUtcNow())
            {
                return entry;
            }
            _entries.TryRemove(new KeyValuePair<TokenKey, Entry>(hit, entry));
        }
        return null;
    }

    private async Task<(Caller? Caller, System.Security.Claims.ClaimsPrincipal? Principal)> ValidateAndCacheAsync(
        string? token, TokenKey? key, CancellationToken cancellationToken)
    {
        var principal = token is null ? null : await ValidateOrNullAsync(token, cancellationToken);
        var caller = principal is null ? null : Caller.FromPrincipal(principal);
        if (caller is not null && key is { } miss)
        {
            var now = clock.GetUtcNow();
            var expires = principal!.GetExpirationDate() ?? now;
            var until = now + _lifetime < expires ? now + _lifetime : expires;
            if (_entries.Count >= MaxEntries)
            {
                Sweep(now);
            }
            _entries[miss] = new Entry(caller, principal!, until);
        }
        return (caller, principal);
    }

    /// <summary>
    /// The bearer token: the Authorization header, else the <c>access_token</c> query parameter
    /// (RFC 6750 §2.3; the contract's <c>accessRequestToken</c> has become the header already:
    /// QueryTokenMiddleware). Never a form field of the body (RFC 6750 §2.2): that would read a
    /// body before its token is checked, which hostile forms turned into 500s (SECURITY.md).
    /// </summary>
    private static ValueTask<(string? Token, bool FromHeader)> TokenOfAsync(HttpContext http)
    {
        var request = http.Request;
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return ValueTask.FromResult<(string?, bool)>((NullIfEmpty(authorization["Bearer ".Length..]), true));
        }
        return ValueTask.FromResult<(string?, bool)>(request.Query.TryGetValue("access_token", out var query) ? (NullIfEmpty(query.ToString()), false) : (null, false));
    }

    /// <summary>Whether the request has a place a token is read from (<see cref="TokenOfAsync"/>), without reading it.</summary>
    public static bool MayCarryToken(HttpRequest request) =>
        request.Headers.Authorization.Count > 0 || (request.QueryString.HasValue && request.Query.ContainsKey("access_token"));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    /// <summary>The token's principal, or null when OpenIddict refuses it (the refusal's reason is OpenIddict's log).</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal?> ValidateOrNullAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            return await validation.ValidateAccessTokenAsync(token, cancellationToken);
        }
        catch (OpenIddictExceptions.ProtocolException)
        {
            return null;
        }
    }

    /// <summary>Forget every token of an app (its secret was just regenerated in this process).</summary>
    public void ForgetClient(string clientId)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.Caller.ClientId == clientId)
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var pair in _entries)
        {
            if (pair.Value.ValidUntil <= now)
            {
                _entries.TryRemove(pair);
            }
        }
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear(); // a flood of distinct valid tokens: start over rather than grow
        }
    }

    private static TokenKey KeyOf(string authorization)
    {
        Span<byte> hash = stackalloc byte[32];
        var length = Encoding.UTF8.GetMaxByteCount(authorization.Length);
        var buffer = length <= 4096 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(authorization, buffer);
        SHA256.HashData(buffer[..written], hash);
        return new TokenKey(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash[16..]));
    }
}
