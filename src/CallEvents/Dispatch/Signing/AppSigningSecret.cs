using System.Security.Cryptography;

namespace CallEvents.Dispatch.Signing;

/// <summary>
/// The key an app's deliveries are signed with (Standard Webhooks, <c>whsec_&lt;base64&gt;</c>).
/// It is never a credential for calling this server, but whoever holds it can forge deliveries
/// to the app's receivers: <see cref="Secret"/> and <see cref="PreviousSecret"/> are stored
/// sealed (<see cref="SigningSecretCache"/>), plaintext only as an earlier version left them.
/// During a rotation's grace period the previous secret signs too.
/// </summary>
public sealed class AppSigningSecret
{
    public required string ClientId { get; set; }
    public required string Secret { get; set; }
    public string? PreviousSecret { get; set; }

    /// <summary>Unix milliseconds until which <see cref="PreviousSecret"/> still signs.</summary>
    public long? PreviousValidUntil { get; set; }

    public long CreatedAt { get; set; }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
