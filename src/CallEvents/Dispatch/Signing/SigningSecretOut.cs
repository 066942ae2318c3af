namespace CallEvents.Dispatch.Signing;

/// <summary>What an app sees of its signing secret; the previous one only while it still signs.</summary>
public sealed record SigningSecretOut(string SigningSecret, string? PreviousSigningSecret, string? PreviousValidUntil);
