using System.Net;
using CallEvents.Uapi;
using Microsoft.Extensions.Options;

namespace CallEvents.Limits;

/// <summary>
/// The failure budgets of the sign-in page (OAuth/Authorization): wrong passwords per login (from
/// any address: guessing one account's password from many addresses is slowed as much as from
/// one) and per address (guessing many accounts' passwords from one). A login that names no
/// account is counted like one that does, so the budget tells nothing about which accounts exist.
/// Only failures count; a refused sign-in is answered 429 with Retry-After, its password unchecked.
/// </summary>
public sealed class FailedSignIns
{
    private readonly FailureBudget? _perLogin;
    private readonly FailureBudget? _perAddress;

    public FailedSignIns(IOptions<RateLimitingOptions> settings, TimeProvider clock)
    {
        var options = settings.Value;
        _perLogin = FailureBudget.Of(options.FailedSignInsPerAccount, options, clock);
        _perAddress = FailureBudget.Of(options.FailedSignInsPerAddress, options, clock);
    }

    /// <summary>How long a sign-in as <paramref name="login"/> from this address is refused, or null.</summary>
    public TimeSpan? RetryAfter(string login, IPAddress? address)
    {
        return FailureBudget.Longest(_perAddress?.RetryAfter(AddressKey.Of(address)), _perLogin?.RetryAfter(LoginKey(login)));
    }

    public void Count(string login, IPAddress? address)
    {
        _perAddress?.Count(AddressKey.Of(address));
        _perLogin?.Count(LoginKey(login));
    }

    // Bounded: a login longer than any account id counts as one key, not as a new entry per variant.
    private static string LoginKey(string login) => login.Length <= 64 ? login : "\0long";
}
