using System.Security.Cryptography;
using System.Text;

namespace CallEvents.Dispatch.Signing;

/// <summary>Standard Webhooks signatures: <c>v1,base64(HMAC-SHA256(key, id.timestamp.content))</c>.</summary>
public static class WebhookSignature
{
    public const string SecretPrefix = "whsec_";

    public static string Sign(string secret, string webhookId, long timestamp, string content)
    {
        var key = Key(secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{content}"));
        return "v1," + Convert.ToBase64String(mac);
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
