using CallEvents.Hosting.Settings;

namespace CallEvents.Dispatch;

/// <summary>The <c>Delivery</c> configuration section; see docs/configuration.md.</summary>
public sealed class DeliveryOptions : ISettings
{
    public static string Section => "Delivery";

    /// <summary>Within what a timer or Task.Delay accepts (about 49.7 days): a longer interval would fail every round.</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(49);

    /// <summary>
    /// CIDRs that are reachable even though they are loopback, private, link-local or otherwise
    /// refused by default (e.g. <c>127.0.0.0/8</c> for a demo on one machine).
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>
    /// How long a create/update waits for its URL's name to resolve; a name without an answer by
    /// then is accepted (and checked at connect time).
    /// </summary>
    public TimeSpan RegistrationDnsBudget { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a lookup at create/update runs on after the budget (its answer is cached) before the name counts as unresolved.</summary>
    public TimeSpan RegistrationLookupTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the answer of a lookup at create/update, "does not resolve" included, is kept.</summary>
    public TimeSpan RegistrationDnsCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most names whose answers (or running lookups) are kept for create/update.</summary>
    public int RegistrationDnsCacheSize { get; set; } = 1000;

    /// <summary>Whether this node runs the sender at all (a node may serve the API only).</summary>
    public bool SenderEnabled { get; set; } = true;

    /// <summary>Names this node's leases; must differ between nodes sharing a database.</summary>
    public string? NodeId { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Delays before the 2nd, 3rd, … attempt; its length + 1 is the number of attempts. The
    /// default adds up to about 24 hours over 8 attempts.
    /// </summary>
    public List<TimeSpan> RetrySchedule { get; set; } = [];

    public static readonly TimeSpan[] DefaultRetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2),
        TimeSpan.FromHours(5), TimeSpan.FromHours(8), TimeSpan.FromHours(8),
    ];

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule.Count > 0 ? RetrySchedule : DefaultRetrySchedule;

    /// <summary>Each delay is scaled by a random factor in [1 − j, 1 + j] so that retries of many deliveries spread out.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>A receiver's Retry-After is honoured up to this long.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(24);

    public int MaxConcurrency { get; set; } = 32;
    public int MaxConcurrencyPerDestination { get; set; } = 4;

    /// <summary>
    /// Requests in flight per tenant (the organization of the hook's extension), so that one
    /// tenant's slow receivers, however many destinations they use, cannot take every slot.
    /// Unset: a quarter of <see cref="MaxConcurrency"/>, at least 1.
    /// </summary>
    public int? MaxConcurrencyPerTenant { get; set; }

    public int EffectiveMaxConcurrencyPerTenant => MaxConcurrencyPerTenant ?? Math.Max(1, MaxConcurrency / 4);

    /// <summary>How long a delivery whose destination is at its limit waits before it is claimed again.</summary>
    public TimeSpan DestinationBusyDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the queue is polled when nothing wakes the sender (intake on this node wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a claim holds a delivery; after it, another node (or this one, restarted) may retry it.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(7);
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>An event whose deliveries failed for this long without one success is disabled.</summary>
    public TimeSpan AutoDisableAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>After a signing-secret rotation, the previous secret keeps signing this long.</summary>
    public TimeSpan SigningSecretGracePeriod { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The most events one POST /pbx/callEvents may carry.</summary>
    public int MaxEventsPerReport { get; set; } = 100;

    public void Check(SettingsCheck check)
    {
        check.Networks(AllowedNetworks);
        check.Positive(RegistrationLookupTimeout);
        check.Positive(ConnectTimeout);
        check.Positive(RequestTimeout);
        check.Each(RetrySchedule, delay => delay >= TimeSpan.Zero, "must not be negative");
        check.Between(RetryJitter, 0, 1);
        check.NotNegative(MaxRetryAfter);
        check.AtLeast(MaxConcurrency, 1);
        check.AtLeast(MaxConcurrencyPerDestination, 1);
        if (MaxConcurrencyPerTenant is { } perTenant)
        {
            check.AtLeast(perTenant, 1, nameof(MaxConcurrencyPerTenant));
        }
        check.NotNegative(DestinationBusyDelay);
        check.Positive(PollInterval, MaxTimer);
        check.Positive(LeaseDuration);
        check.Positive(LogRetention);
        check.Positive(PurgeInterval, MaxTimer);
        check.Positive(AutoDisableAfter);
        check.NotNegative(SigningSecretGracePeriod);
        check.AtLeast(MaxEventsPerReport, 1);
    }
}
