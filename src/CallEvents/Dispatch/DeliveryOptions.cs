namespace CallEvents.Dispatch;

/// <summary>The <c>Delivery</c> configuration section; see docs/configuration.md.</summary>
public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    /// <summary>
    /// CIDRs that are reachable even though they are loopback, private, link-local or otherwise
    /// refused by default (e.g. <c>127.0.0.0/8</c> for a demo on one machine).
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>How long a name lookup at create/update may take before the name counts as unresolved.</summary>
    public TimeSpan RegistrationLookupTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
