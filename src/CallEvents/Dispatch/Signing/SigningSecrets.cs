using CallEvents.Storage;
using CallEvents.Storage.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Signing;

/// <summary>Reads and rotates apps' delivery signing secrets (contract §9).</summary>
public sealed class SigningSecrets(CallEventsDb db, WriteGate gate, IOptions<DeliveryOptions> options, TimeProvider clock)
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
                    row = New(clientId);
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
                row = New(clientId);
                db.AppSigningSecrets.Add(row);
            }
            else
            {
                row.PreviousSecret = row.Secret;
                row.PreviousValidUntil = (now + options.Value.SigningSecretGracePeriod).ToUnixTimeMilliseconds();
                row.Secret = AppSigningSecret.NewSecret();
                row.CreatedAt = now.ToUnixTimeMilliseconds();
            }
            await db.SaveChangesAsync(CancellationToken.None);
            return Out(row);
        }
    }

    public AppSigningSecret New(string clientId) =>
        new() { ClientId = clientId, Secret = AppSigningSecret.NewSecret(), CreatedAt = clock.GetUtcNow().ToUnixTimeMilliseconds() };

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
        return row.PreviousSecret is not null && row.PreviousValidUntil > now
            ? new SigningSecretOut(row.Secret, row.PreviousSecret,
                PhoneCallEvents.PhoneCallEvent.FormatModified(DateTimeOffset.FromUnixTimeMilliseconds(row.PreviousValidUntil.Value)))
            : new SigningSecretOut(row.Secret, null, null);
    }
}
