using CallEvents.Storage;
using CallEvents.Storage.Secrets;
using CallEvents.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Signing;

/// <summary>Reads and rotates apps' delivery signing secrets (contract §9); stored sealed (<see cref="SigningSecretCache"/>).</summary>
public sealed class SigningSecrets(CallEventsDb db, WriteGate gate, SigningSecretCache cache, IOptions<DeliveryOptions> options, TimeProvider clock)
{
    /// <summary>The app's secret, made on first use for an app registered before secrets existed.</summary>
    public async Task<SigningSecretOut> GetAsync(string clientId, CancellationToken cancellationToken)
    {
        var row = await db.AppSigningSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.ClientId == clientId, cancellationToken);
        if (row is null)
        {
            using (await gate.EnterAsync(cancellationToken))
            {
                row = await db.AppSigningSecrets.FirstOrDefaultAsync(s => s.ClientId == clientId, cancellationToken);
                if (row is null)
                {
                    await EnsureAppAsync(clientId, cancellationToken);
                    row = New(clientId).Row;
                    db.AppSigningSecrets.Add(row);
                    await db.SaveChangesAsync(CancellationToken.None);
                }
            }
        }
        return Out(row);
    }

    /// <summary>A new secret; the previous one keeps signing (as a second signature) for the grace period.</summary>
    public async Task<SigningSecretOut> RotateAsync(string clientId, CancellationToken cancellationToken)
    {
        using (await gate.EnterAsync(cancellationToken))
        {
            var row = await db.AppSigningSecrets.FirstOrDefaultAsync(s => s.ClientId == clientId, cancellationToken);
            var now = clock.GetUtcNow();
            if (row is null)
            {
                await EnsureAppAsync(clientId, cancellationToken);
                row = New(clientId).Row;
                db.AppSigningSecrets.Add(row);
            }
            else
            {
                // Both values are bound to the app's row, not to a column: the sealed current
                // secret becomes the previous one as it is. One an earlier version left in the
                // clear is sealed on the way.
                row.PreviousSecret = SecretsKey.IsSealed(row.Secret) ? row.Secret : cache.Seal(clientId, row.Secret);
                row.PreviousValidUntil = (now + options.Value.SigningSecretGracePeriod).ToUnixTimeMilliseconds();
                row.Secret = cache.Seal(clientId, AppSigningSecret.NewSecret());
                row.CreatedAt = now.ToUnixTimeMilliseconds();
            }
            await db.SaveChangesAsync(CancellationToken.None);
            return Out(row);
        }
    }

    /// <summary>A new row for the app (not yet added), and its secret in the clear, to be shown once.</summary>
    public (AppSigningSecret Row, string Secret) New(string clientId)
    {
        var secret = AppSigningSecret.NewSecret();
        return (new AppSigningSecret { ClientId = clientId, Secret = cache.Seal(clientId, secret), CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds() }, secret);
    }

    private async Task EnsureAppAsync(string clientId, CancellationToken cancellationToken)
    {
        if (!await db.Apps.AnyAsync(a => a.ClientId == clientId, cancellationToken))
        {
            throw new InvalidOperationException($"No app '{clientId}'.");
        }
    }

    private SigningSecretOut Out(AppSigningSecret row)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var (secret, previous) = cache.Open(row);
        return previous is not null && row.PreviousValidUntil > now
            ? new SigningSecretOut(secret, previous,
                PhoneCallEvents.PhoneCallEvent.FormatModified(DateTimeOffset.FromUnixTimeMilliseconds(row.PreviousValidUntil.Value)))
            : new SigningSecretOut(secret, null, null);
    }
}
