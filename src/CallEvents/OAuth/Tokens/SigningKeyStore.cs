using System.Security.Cryptography;
using CallEvents.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// The token signing keys, kept in the database (<c>server_keys</c>) so that every node signs and
/// validates with the same key: a token issued by node A works on node B. The key is ECDSA P-256
/// (ES256): signing costs tens of microseconds, where RSA-2048 cost about a millisecond of CPU
/// per token and capped token issue at about 2,000/s on 2 cores (bench/README.md).
///
/// Created by whichever node needs it first; a node that loses that race (two nodes starting at
/// once) reads the winner's key, so every node signs with the same one. A database from a version
/// that signed with RSA-2048 keeps its RSA key as a verification key: tokens issued with it stay
/// valid until they expire, and new ones are signed with the ES256 key.
/// </summary>
public static class SigningKeyStore
{
    public const string EcdsaKeyId = "token-signing-es256-1";

    /// <summary>The RSA-2048 key earlier versions signed with; only ever read now.</summary>
    public const string LegacyRsaKeyId = "token-signing-rsa-1";

    public static SigningKeys Load(IServiceProvider services)
    {
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var stored = db.ServerKeys.AsNoTracking().FirstOrDefault(k => k.Id == EcdsaKeyId) ?? Create(db);

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(stored.Material);
        var signing = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = EcdsaKeyId }, SecurityAlgorithms.EcdsaSha256);

        var verifyOnly = new List<SecurityKey>();
        if (db.ServerKeys.AsNoTracking().FirstOrDefault(k => k.Id == LegacyRsaKeyId) is { } legacy)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(legacy.Material);
            verifyOnly.Add(new RsaSecurityKey(rsa) { KeyId = LegacyRsaKeyId });
        }
        return new SigningKeys(signing, verifyOnly);
    }

    private static ServerKey Create(CallEventsDb db)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        db.ServerKeys.Add(new ServerKey { Id = EcdsaKeyId, Material = ecdsa.ExportPkcs8PrivateKeyPem(), CreatedAt = DateTimeOffset.UtcNow });
        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear(); // another node created it first: use the winner's
        }
        return db.ServerKeys.AsNoTracking().First(k => k.Id == EcdsaKeyId);
    }
}
