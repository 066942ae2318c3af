using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CallEvents.OAuth.OpenIddict;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using OpenIddict.EntityFrameworkCore.Models;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// What ties an access token to the app's current secret, instead of a token entry row per token:
/// the token carries a short hash of the app's OpenIddict concurrency token, a random value that
/// changes on every update of the app, so on every regenerated secret (and on every revocation
/// by application, see <see cref="StampRevokingTokenManager{TToken}"/>). A validation that misses
/// the <see cref="TokenValidationCache"/> reads the app and refuses a token whose stamp no longer
/// matches (<see cref="SecretStampHandlers"/>). The stamp is inside the signed JWT, so a client
/// cannot alter it; it reveals neither the secret nor its hash.
/// The same read also requires the app to be registered (<c>apps</c>) and trusted: only a
/// trusted app may have tokens (contract §2), so <c>apps untrust</c> and <c>apps remove</c> end
/// its tokens like a new secret does, and so does a trusted flag cleared in the database by hand.
/// </summary>
public static class SecretStamp
{
    /// <summary>The access token claim holding the stamp.</summary>
    public const string Claim = "ce_stamp";

    // One compiled query per provider's context type (as CompiledApplicationStore.cs).
    private static readonly ConcurrentDictionary<Type, Func<CallEventsDb, string, CancellationToken, Task<string?>>> CurrentByModel = new();

    /// <summary>The stamp of an app whose concurrency token is <paramref name="concurrencyToken"/>.</summary>
    public static string Of(string? concurrencyToken)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("callevents-secret-stamp:" + concurrencyToken), hash);
        return Base64Url.EncodeToString(hash[..12]); // 96 bits: a regeneration changes it, no collision to hope for
    }

    /// <summary>
    /// The stamp for a token about to be issued to <paramref name="clientId"/>: from the app
    /// OpenIddict loaded (tracked) in this request to check the secret, or read when it is not there.
    /// </summary>
    public static async ValueTask<string?> ForIssueAsync(CallEventsDb db, string clientId, CancellationToken cancellationToken)
    {
        foreach (var entry in db.ChangeTracker.Entries<OpenIddictEntityFrameworkCoreApplication>())
        {
            if (entry.Entity.ClientId == clientId)
            {
                return Of(entry.Entity.ConcurrencyToken);
            }
        }
        return await CurrentAsync(db, clientId, cancellationToken);
    }

    /// <summary>The app's current stamp, read from the database; null when the app is gone or not trusted.</summary>
    public static async ValueTask<string?> CurrentAsync(CallEventsDb db, string clientId, CancellationToken cancellationToken)
    {
        var query = CurrentByModel.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((CallEventsDb context, string id, CancellationToken _) =>
            (from application in context.Set<OpenIddictEntityFrameworkCoreApplication>().AsNoTracking()
             join app in context.Apps on application.ClientId equals app.ClientId
             where application.ClientId == id && app.Trusted
             select application.ConcurrencyToken ?? string.Empty)
                .FirstOrDefault()));
        var concurrencyToken = await query(db, clientId, cancellationToken);
        return concurrencyToken is null ? null : Of(concurrencyToken.Length == 0 ? null : concurrencyToken);
    }

    /// <summary>Compares two stamps without leaking, by timing, how much of one matched.</summary>
    public static bool Matches(string presented, string current) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(current));
}
