using CallEvents.Accounts;

namespace CallEvents.OAuth;

/// <summary>What a token says about the account an app acts as.</summary>
public sealed record AppAccount(string Id, AccountKind Kind, string? OrganizationId, string? OrganizationCode);
