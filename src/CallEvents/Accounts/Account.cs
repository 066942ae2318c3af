namespace CallEvents.Accounts;

/// <summary>One node of the hierarchy Admin → Service Provider → Organization → User.</summary>
public sealed class Account
{
    public required string Id { get; set; }
    public AccountKind Kind { get; set; }
    public string? ParentId { get; set; }
    public required string Name { get; set; }

    /// <summary>The 4-digit code; set on organizations only.</summary>
    public string? OrganizationCode { get; set; }

    /// <summary>
    /// The organization this account belongs to (itself for an organization, its parent for a
    /// user). Denormalized so that "is this inside the caller's organization" is one comparison.
    /// </summary>
    public string? OrganizationId { get; set; }

    /// <summary>When true, phone call events may not be managed here or anywhere beneath.</summary>
    public bool PhoneCallEventsDenied { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The sign-in password's hash (ASP.NET Core Identity's PasswordHasher: PBKDF2 with a salt),
    /// or null when the account cannot sign in (AccountPasswords.cs). Never leaves the server.
    /// </summary>
    public string? PasswordHash { get; set; }
}
