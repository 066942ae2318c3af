using System.Security.Cryptography;
using CallEvents.Storage;
using CallEvents.Storage.Secrets;
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
///
/// The private keys are sealed with the secrets key, which is kept outside the database
/// (Storage/Secrets/SecretsKey.cs): a copy of the database is not a way to sign tokens. They are
/// opened once, here, at a node's first token request or validation (serve: at start). A key
/// that does not open is an error, never a reason to make a new one over it. A key an earlier
/// version stored in the clear is read as it is and sealed at the next serve start
/// (Storage/Secrets/SealedValues.cs).
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
        var secrets = services.GetRequiredService<SecretsKey>();
        var stored = db.ServerKeys.AsNoTracking().FirstOrDefault(k => k.Id == EcdsaKeyId) ?? Create(db, secrets);

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(secrets.Open(stored.Material, SealedValues.ServerKey(stored.Id)));
        var signing = new SigningCredentials(new ECDsaSecurityKey(ecdsa) { KeyId = EcdsaKeyId }, SecurityAlgorithms.EcdsaSha256);

        var verifyOnly = new List<SecurityKey>();
        if (db.ServerKeys.AsNoTracking().FirstOrDefault(k => k.Id == LegacyRsaKeyId) is { } legacy)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(secrets.Open(legacy.Material, SealedValues.ServerKey(legacy.Id)));
            verifyOnly.Add(new RsaSecurityKey(rsa) { KeyId = LegacyRsaKeyId });
        }
        return new SigningKeys(signing, verifyOnly, EncryptingFrom(ecdsa));
    }

    /// <summary>
    /// The key of authorization codes and refresh tokens, derived (HKDF-SHA256) from the signing
    /// key's private scalar: the same on every node and after every restart, so a refresh token
    /// issued by one node is read by another, a month later, without a second stored key to keep.
    /// </summary>
    private static EncryptingCredentials EncryptingFrom(ECDsa signing)
    {
        var d = signing.ExportParameters(includePrivateParameters: true).D!;
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, d, 32, salt: [], info: "callevents-token-encryption-1"u8.ToArray());
        CryptographicOperations.ZeroMemory(d);
        return new EncryptingCredentials(new SymmetricSecurityKey(key) { KeyId = "token-encryption-1" },
            SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512);
    }

    private static ServerKey Create(CallEventsDb db, SecretsKey secrets)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var material = secrets.Seal(ecdsa.ExportPkcs8PrivateKeyPem(), SealedValues.ServerKey(EcdsaKeyId));
        db.ServerKeys.Add(new ServerKey { Id = EcdsaKeyId, Material = material, CreatedAt = DateTimeOffset.UtcNow });
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
