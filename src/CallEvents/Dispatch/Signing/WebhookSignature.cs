using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace CallEvents.Dispatch.Signing;

/// <summary>Standard Webhooks signatures: <c>v1,base64(HMAC-SHA256(key, id.timestamp.content))</c>.</summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    private const int MacLength = HMACSHA256.HashSizeInBytes;

    /// <summary>"v1," and the MAC's base64.</summary>
    private const int Length = 3 + (MacLength + 2) / 3 * 4;

    public static string Sign(string secret, string webhookId, long timestamp, string content) =>
        Sign(secret, webhookId, timestamp, Encoding.UTF8.GetBytes(content));

    /// <summary>
    /// The same over content already UTF-8 (the request body as it goes out). Every delivery is
    /// signed: the signed bytes are put together in a pooled buffer and the key decoded on the
    /// stack, so a signature allocates only its string (the drain's profile showed the signed
    /// text built as a string and encoded again, twice the body per delivery).
    /// </summary>
    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> content)
    {
        var encoded = secret.AsSpan(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? SecretPrefix.Length : 0);
        Span<byte> key = stackalloc byte[128];
        if (encoded.Length > 4 * key.Length / 3 || !Convert.TryFromBase64Chars(encoded, key, out var keyLength))
        {
            return Sign(Key(secret), webhookId, timestamp, content); // a long key: as it always was (throws on bad base64)
        }
        return Sign(key[..keyLength], webhookId, timestamp, content);
    }

    private static string Sign(ReadOnlySpan<byte> key, string webhookId, long timestamp, ReadOnlySpan<byte> content)
    {
        var length = Encoding.UTF8.GetByteCount(webhookId) + 1 + 20 + 1 + content.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var signed = buffer.AsSpan();
            var written = Encoding.UTF8.GetBytes(webhookId, signed);
            signed[written++] = (byte)'.';
            Utf8Formatter.TryFormat(timestamp, signed[written..], out var digits);
            written += digits;
            signed[written++] = (byte)'.';
            content.CopyTo(signed[written..]);
            written += content.Length;
            Span<byte> mac = stackalloc byte[MacLength];
            HMACSHA256.HashData(key, signed[..written], mac);
            return string.Create(Length, (ReadOnlySpan<byte>)mac, static (chars, bytes) =>
            {
                "v1,".CopyTo(chars);
                Convert.TryToBase64Chars(bytes, chars[3..], out _);
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Whether any of the space-separated signatures in <paramref name="header"/> is this secret's.</summary>
    public static bool Verify(string secret, string webhookId, long timestamp, string content, string header)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, webhookId, timestamp, content));
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected));
    }

    public static byte[] Key(string secret) =>
        Convert.FromBase64String(secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret);
}
