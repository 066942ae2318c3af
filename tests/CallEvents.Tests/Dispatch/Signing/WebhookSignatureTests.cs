using System.Security.Cryptography;
using System.Text;
using CallEvents.Dispatch.Signing;

namespace CallEvents.Tests.Dispatch.Signing;

/// <summary>
/// <see cref="WebhookSignature.Sign(string, string, long, ReadOnlySpan{byte})"/> builds the signed
/// bytes in a pooled buffer and decodes short keys on the stack: its answer must be the Standard
/// Webhooks signature computed the plain way, for any key length, id, timestamp and content.
/// </summary>
public sealed class WebhookSignatureTests
{
    [Theory]
    [InlineData(32, "msg_2bM1xQ0aZ9yYxXwWvVuUtTsS", 1764650000L, "CallID=a&CallStatus=CALLING")]
    [InlineData(1, "msg_é-non-ascii", 0L, "")]
    [InlineData(96, "msg_x", -62135596800L, "a%20b+c")]
    [InlineData(127, "msg_y", long.MaxValue, "x")]
    [InlineData(300, "msg_z", long.MinValue, "longer than the stack buffer's key")]
    public void TheSignatureIsTheHmacOfIdTimestampAndContentWithTheDecodedKey(int keyLength, string id, long timestamp, string content)
    {
        var key = RandomNumberGenerator.GetBytes(keyLength);
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{content}")));
        var secret = WebhookSignature.SecretPrefix + Convert.ToBase64String(key);

        Assert.Equal(expected, WebhookSignature.Sign(secret, id, timestamp, Encoding.UTF8.GetBytes(content)));
        Assert.Equal(expected, WebhookSignature.Sign(secret, id, timestamp, content));
        Assert.Equal(expected, WebhookSignature.Sign(Convert.ToBase64String(key), id, timestamp, content)); // no prefix
    }

    [Fact]
    public void ASecretThatIsNotBase64IsRefusedAsBefore()
    {
        Assert.Throws<FormatException>(() => WebhookSignature.Sign("whsec_not*base64", "msg_x", 1, "x"));
    }
}
