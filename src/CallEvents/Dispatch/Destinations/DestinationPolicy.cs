using CallEvents.Hosting.Settings;
using System.Net;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// The SSRF guard (contract §9): a tenant may point a hook at any globally reachable address,
/// never at this machine, its networks, link-local metadata services (169.254.169.254) or any
/// other block the IANA special-purpose registries say is not globally reachable
/// (<see cref="SpecialPurposeAddresses"/>), nor at an IPv6 address that carries such an IPv4
/// address (<see cref="CarriedIPv4"/>), unless an operator allows a range by CIDR. Checked at
/// create/update on the URL as written and on whatever its name resolves to in time, and again
/// when connecting, on the address actually used. docs/delivery.md, "Destinations".
/// </summary>
public sealed class DestinationPolicy(IOptions<DeliveryOptions> options, RegistrationDns names)
{
    private readonly IPNetwork[] _allowed = SettingsCheck.NetworksOf(options.Value.AllowedNetworks);

    /// <summary>Whether a connection to this exact address is allowed.</summary>
    public bool IsAllowed(IPAddress address) =>
        IsOpen(address) && (!CarriedIPv4.TryGet(address, out var carried) || IsOpen(carried));

    private bool IsOpen(IPAddress address)
    {
        foreach (var network in _allowed)
        {
            if (network.Covers(address))
            {
                return true;
            }
        }
        return SpecialPurposeAddresses.IsGloballyReachable(address);
    }

    /// <summary>
    /// The check at create/update. A host that is an address is judged as that address
    /// (<see cref="HostLiteral"/>); a name by the addresses it resolves to, and accepted when it
    /// does not resolve in time (<see cref="RegistrationDns"/>): the connect-time check decides then.
    /// </summary>
    public async Task<bool> IsAllowedAtRegistrationAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = url.IdnHost;
        if (HostLiteral.TryParse(host, out var literal))
        {
            return IsAllowed(literal);
        }
        var addresses = await names.ResolveAsync(host, cancellationToken);
        return addresses is null || addresses.All(IsAllowed);
    }
}
