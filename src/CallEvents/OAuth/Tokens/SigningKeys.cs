using Microsoft.IdentityModel.Tokens;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// The key new tokens are signed with, keys that only verify tokens signed before, and the key
/// authorization codes and refresh tokens are encrypted with (OpenIddict encrypts those always).
/// </summary>
public sealed record SigningKeys(SigningCredentials Signing, IReadOnlyList<SecurityKey> VerifyOnly, EncryptingCredentials Encrypting);
