using CallEvents.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Accounts;

/// <summary>
/// Sign-in passwords of accounts, hashed with ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>
/// (PBKDF2-HMAC-SHA512, a random salt, 100,000 iterations): a password is chosen by a person, so
/// unlike an app's generated secret it needs the stretching. Set from the CLI
/// (<c>accounts set-password</c>) and the demo tenant; checked by the sign-in page.
/// </summary>
public sealed class AccountPasswords(CallEventsDb db)
{
    /// <summary>Shorter passwords are refused: the one rule a password must meet here.</summary>
    public const int MinimumLength = 8;

    /// <summary>Longer are refused too: hashing is per character, and no one types more.</summary>
    public const int MaximumLength = 256;

    private static readonly PasswordHasher<Account> Hasher = new();

    /// <summary>
    /// The hash checked for a login that has no account or no password, so that such a sign-in
    /// costs the same time as a wrong password and its answer tells nothing about the account.
    /// </summary>
    private static readonly string UnknownAccountHash = Hasher.HashPassword(null!, "callevents-no-such-account");

    public async Task SetAsync(string accountId, string password, CancellationToken cancellationToken)
    {
        if (password.Length < MinimumLength || password.Length > MaximumLength)
        {
            throw new ArgumentException($"A password has {MinimumLength} to {MaximumLength} characters.");
        }
        var hash = Hasher.HashPassword(null!, password);
        var changed = await db.Accounts.Where(a => a.Id == accountId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.PasswordHash, hash), cancellationToken);
        if (changed == 0)
        {
            throw new ArgumentException($"No account '{accountId}'.");
        }
    }

    /// <summary>
    /// The account <paramref name="login"/> names when <paramref name="password"/> is its password;
    /// null otherwise, whether the account is unknown, has no password, or the password is wrong
    /// (one answer, one cost: nothing to enumerate accounts with).
    /// </summary>
    public async Task<Account?> VerifyAsync(string login, string password, CancellationToken cancellationToken)
    {
        var account = login.Length is > 0 and <= 64 && password.Length <= MaximumLength
            ? await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == login, cancellationToken)
            : null;
        var hash = account?.PasswordHash ?? UnknownAccountHash;
        var result = Hasher.VerifyHashedPassword(null!, hash, password.Length <= MaximumLength ? password : "");
        if (account?.PasswordHash is null || result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await SetAsync(account.Id, password, cancellationToken); // a hash of an older format or fewer iterations
        }
        return account;
    }
}
