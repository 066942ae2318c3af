namespace CallEvents.Storage;

/// <summary>
/// Key material every node must share (token signing), kept in the database so that a token
/// issued by one node validates on any other.
/// </summary>
public sealed class ServerKey
{
    public required string Id { get; set; }
    public required string Material { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
