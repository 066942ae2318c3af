using System.Security.Cryptography;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace CallEvents.OAuth;

/// <summary>
/// The token signing key, kept in the database so that every node signs and validates with
/// the same key: a token issued by node A works on node B. Created by whichever node needs it
/// first; a node that loses that race reads the winner's key.
/// </summary>
public static class SigningKeyStore
{
    private const string KeyId = "token-signing-rsa-1";

    public static SecurityKey LoadOrCreate(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var stored = db.ServerKeys.AsNoTracking().FirstOrDefault(k => k.Id == KeyId);
        if (stored is null)
        {
            using var rsa = RSA.Create(2048);
            db.ServerKeys.Add(new ServerKey { Id = KeyId, Material = rsa.ExportPkcs8PrivateKeyPem(), CreatedAt = DateTimeOffset.UtcNow });
            try
            {
                db.SaveChanges();
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // another node created it first
            }
            stored = db.ServerKeys.AsNoTracking().First(k => k.Id == KeyId);
        }
        var key = RSA.Create();
        key.ImportFromPem(stored.Material);
        return new RsaSecurityKey(key) { KeyId = KeyId };
    }
}
