using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace CallEvents.OAuth.OpenIddict;

/// <summary>
/// Client secrets here are 240-bit random strings the server generates, never passwords a
/// person chose, so key stretching (OpenIddict's default PBKDF2) buys nothing against guessing
/// and costs milliseconds per token request. A salted SHA-256, compared in constant time, keeps
/// the secret unrecoverable from the database at a cost of microseconds.
/// </summary>
public sealed class FastSecretApplicationManager<TApplication>(
    IOpenIddictApplicationCache<TApplication> cache,
    ILogger<OpenIddictApplicationManager<TApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<TApplication> store)
    : OpenIddictApplicationManager<TApplication>(cache, logger, options, store) where TApplication : class
{
    private const string Prefix = "sha256$";

    protected override ValueTask<string> ObfuscateClientSecretAsync(string secret, CancellationToken cancellationToken = default)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        return ValueTask.FromResult($"{Prefix}{Convert.ToBase64String(salt)}${Convert.ToBase64String(Hash(salt, secret))}");
    }

    protected override ValueTask<bool> ValidateClientSecretAsync(string secret, string comparand, CancellationToken cancellationToken = default)
    {
        var parts = comparand.Split('$');
        if (parts.Length != 3 || parts[0] + "$" != Prefix)
        {
            return ValueTask.FromResult(false);
        }
        try
        {
            var expected = Convert.FromBase64String(parts[2]);
            var actual = Hash(Convert.FromBase64String(parts[1]), secret);
            return ValueTask.FromResult(CryptographicOperations.FixedTimeEquals(expected, actual));
        }
        catch (FormatException)
        {
            return ValueTask.FromResult(false);
        }
    }

    private static byte[] Hash(byte[] salt, string secret)
    {
        var secretBytes = Encoding.UTF8.GetBytes(secret);
        var input = new byte[salt.Length + secretBytes.Length];
        salt.CopyTo(input, 0);
        secretBytes.CopyTo(input, salt.Length);
        return SHA256.HashData(input);
    }
}
