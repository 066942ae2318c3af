using System.Security.Cryptography;
using System.Text;

namespace CallEvents.Storage.Secrets;

/// <summary>
/// Seals the secrets the database keeps (the token signing key in <c>server_keys</c>, apps'
/// delivery signing secrets in <c>app_signing_secrets</c>, the Data Protection key ring) with a
/// key kept outside it (<see cref="SecretsKeySource"/>), so that a copy of the database, a backup
/// or a dump is not a forged Admin token.
/// <para>
/// AES-256-GCM, a random 96-bit nonce per value, stored as <c>v1:</c> + base64(nonce | ciphertext |
/// tag). The associated data is the value's place (<c>server_keys:&lt;id&gt;</c>,
/// <c>app_signing_secrets:&lt;client_id&gt;</c>): a sealed value copied into another row does not
/// open there. A value without the prefix is plaintext an earlier version stored; it is read as
/// it is and sealed at the next <c>serve</c> start (<see cref="SealedValues"/>).
/// </para>
/// The key is read on first use (a singleton: every node must hold the same one); callers that
/// read a value on a hot path open it once and keep the plaintext (SigningKeyStore.cs,
/// Dispatch/Signing/SigningSecretCache.cs).
/// </summary>
public sealed class SecretsKey(IConfiguration configuration, IServiceScopeFactory scopes)
{
    public const int Length = 32;
    public const string Prefix = "v1:";
    private const int NonceLength = 12;
    private const int TagLength = 16;

    private readonly Lock _loading = new();
    private byte[]? _key;

    /// <summary>Where the key comes from, for messages: the variable's name or the file's path, never the key.</summary>
    public string Origin => SecretsKeySource.Describe(configuration);

    /// <summary>Whether a stored value is sealed (by this format); otherwise it is an earlier version's plaintext.</summary>
    public static bool IsSealed(string stored) => stored.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Reads (or makes) the key now, rather than at the first value: a problem surfaces as a <see cref="SecretsKeyException"/>.</summary>
    public void Load() => _ = Key;

    public string Seal(string plaintext, string context)
    {
        var clear = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceLength + clear.Length + TagLength];
        var nonce = sealedBytes.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(Key, TagLength))
        {
            aes.Encrypt(nonce, clear, sealedBytes.AsSpan(NonceLength, clear.Length), sealedBytes.AsSpan(NonceLength + clear.Length), Encoding.UTF8.GetBytes(context));
        }
        CryptographicOperations.ZeroMemory(clear);
        return Prefix + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>
    /// A secret for <paramref name="purpose"/> derived from the key (HMAC-SHA256, base64url): the
    /// same on every node that holds the key and never stored, so there is nothing to seal or
    /// leak; a new key derives a new one. The console's OAuth client secret (Web/Console).
    /// </summary>
    public string Derive(string purpose) =>
        System.Buffers.Text.Base64Url.EncodeToString(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("callevents.derived:" + purpose)));

    /// <summary>
    /// The plaintext of a stored value: opened when sealed, as it is when an earlier version stored
    /// it in the clear. A sealed value this key does not open (another key, or altered, or moved
    /// from another row) is a <see cref="SecretsKeyException"/>, never a value.
    /// </summary>
    public string Open(string stored, string context)
    {
        if (!IsSealed(stored))
        {
            return LooksVersioned(stored)
                ? throw new SecretsKeyException($"The stored secret {context} is sealed in a format this build does not know: run the newer CallEvents that sealed it.")
                : stored;
        }
        var sealedBytes = new byte[(stored.Length - Prefix.Length) / 4 * 3];
        if (!Convert.TryFromBase64Chars(stored.AsSpan(Prefix.Length), sealedBytes, out var length) || length < NonceLength + TagLength)
        {
            throw Unopenable(context);
        }
        var cipherLength = length - NonceLength - TagLength;
        var clear = new byte[cipherLength];
        try
        {
            using var aes = new AesGcm(Key, TagLength);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceLength), sealedBytes.AsSpan(NonceLength, cipherLength),
                sealedBytes.AsSpan(NonceLength + cipherLength, TagLength), clear, Encoding.UTF8.GetBytes(context));
            return Encoding.UTF8.GetString(clear);
        }
        catch (CryptographicException)
        {
            throw Unopenable(context);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(clear);
        }
    }

    private SecretsKeyException Unopenable(string context) => new(
        $"The secrets key ({Origin}) does not open the stored secret {context}: it is not the key the database's secrets were sealed with, or the stored value was altered. Every node needs the key the database was sealed with (Secrets:KeyFile or {SecretsKeySource.Variable}).");

    // "v2:…" and the like: sealed by a later format, not plaintext to be used as it is.
    private static bool LooksVersioned(string stored)
    {
        var colon = stored.IndexOf(':', StringComparison.Ordinal);
        return colon > 1 && stored[0] == 'v' && stored.AsSpan(1, colon - 1).IndexOfAnyExceptInRange('0', '9') < 0;
    }

    private byte[] Key
    {
        get
        {
            if (_key is { } key)
            {
                return key;
            }
            lock (_loading)
            {
                return _key ??= SecretsKeySource.Read(configuration, () =>
                {
                    using var scope = scopes.CreateScope();
                    return SealedValues.AnyIn(scope.ServiceProvider.GetRequiredService<CallEventsDb>());
                });
            }
        }
    }
}
