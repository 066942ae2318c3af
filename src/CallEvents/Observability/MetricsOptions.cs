using System.Net;
using CallEvents.Hosting.Settings;

namespace CallEvents.Observability;

/// <summary>The <c>Metrics</c> configuration section; see docs/configuration.md and docs/operations.md.</summary>
public sealed class MetricsOptions : ISettings
{
    public static string Section => "Metrics";

    /// <summary>Whether <c>/metrics</c> answers (Prometheus text format) on the server's own listeners.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// CIDRs whose callers may scrape <c>/metrics</c>; empty means loopback only. The endpoint
    /// has no authentication, and what it shows (request rates, queue depth) is the operator's
    /// business, not the tenants'.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    private static readonly IPNetwork[] Loopback = [IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("::1/128")];

    public IPNetwork[] EffectiveAllowedNetworks() =>
        AllowedNetworks.Count == 0 ? Loopback : SettingsCheck.NetworksOf(AllowedNetworks);

    public void Check(SettingsCheck check) =>
        check.Networks(AllowedNetworks);

    public static bool Allows(IPNetwork[] networks, IPAddress? caller)
    {
        if (caller is null)
        {
            return false;
        }
        if (caller.IsIPv4MappedToIPv6)
        {
            caller = caller.MapToIPv4();
        }
        return networks.Any(network => network.Contains(caller));
    }
}
