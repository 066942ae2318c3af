using Microsoft.IdentityModel.Tokens;

namespace CallEvents.OAuth.Tokens;

/// <summary>The key new tokens are signed with, and keys that only verify tokens signed before.</summary>
public sealed record SigningKeys(SigningCredentials Signing, IReadOnlyList<SecurityKey> VerifyOnly);
