namespace CallEvents.Storage;

/// <summary>
/// Key material every node must share (token signing), kept in the database so that a token
/// issued by one node validates on any other.
/// </summary>
public sealed class ServerKey
{
    public required string Id { get; set; }

    /// <summary>The private key's PEM, sealed (<c>v1:…</c>, Storage/Secrets/SecretsKey.cs); plaintext only as an earlier version left it.</summary>
    public required string Material { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
