using System.Net;
using Microsoft.Extensions.Options;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// The name lookups of the create/update check, kept off the request's critical path. A request
/// waits at most <see cref="DeliveryOptions.RegistrationDnsBudget"/> for an answer; a name with
/// none by then is accepted, and the sender's connect-time check, on the addresses it really
/// connects to, is what refuses it if it leads somewhere private (it is also the guarantee
/// against DNS rebinding). Checks of one name share one lookup, which goes on after the budget
/// (up to <see cref="DeliveryOptions.RegistrationLookupTimeout"/>) so that its answer serves the
/// next check; answers, "does not resolve" included, are kept for
/// <see cref="DeliveryOptions.RegistrationDnsCacheTtl"/>. Each name has its own lookup, so a
/// slow name holds up no other.
/// </summary>
public sealed class RegistrationDns
{
    private readonly HostLookup _lookup;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _budget;
    private readonly TimeSpan _lookupTimeout;
    private readonly TimeSpan _ttl;
    private readonly int _capacity;
    private readonly Dictionary<string, CachedLookup> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _gate = new();

    public RegistrationDns(HostLookup lookup, IOptions<DeliveryOptions> options, TimeProvider clock)
    {
        _lookup = lookup;
        _clock = clock;
        _budget = NotNegative(options.Value.RegistrationDnsBudget);
        _lookupTimeout = NotNegative(options.Value.RegistrationLookupTimeout);
        _ttl = NotNegative(options.Value.RegistrationDnsCacheTtl);
        _capacity = Math.Max(1, options.Value.RegistrationDnsCacheSize);
    }

    /// <summary>The name's addresses, or null when it has none within the budget.</summary>
    public async Task<IPAddress[]?> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var lookup = Find(host);
        if (lookup is null)
        {
            return null;
        }
        try
        {
            return await lookup.Answer.WaitAsync(_budget, _clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    private CachedLookup? Find(string host)
    {
        CachedLookup fresh;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_names.TryGetValue(host, out var known) && !known.IsExpired(now))
            {
                return known;
            }
            if (known is null && _names.Count >= _capacity && !MakeRoom(now))
            {
                // As many names are being looked up as the cache holds: this one is not looked
                // up at all, and counts as not resolved in time.
                return null;
            }
            fresh = new CachedLookup();
            _names[host] = fresh;
        }
        _ = RunAsync(host, fresh);
        return fresh;
    }

    /// <summary>Drops expired answers, or else every answer; lookups still running stay (they are shared).</summary>
    private bool MakeRoom(DateTimeOffset now)
    {
        var expired = _names.Where(n => n.Value.IsExpired(now)).Select(n => n.Key).ToList();
        if (expired.Count == 0)
        {
            expired = [.. _names.Where(n => n.Value.IsDone).Select(n => n.Key)];
        }
        foreach (var name in expired)
        {
            _names.Remove(name);
        }
        return _names.Count < _capacity;
    }

    private async Task RunAsync(string host, CachedLookup entry)
    {
        IPAddress[]? addresses = null;
        try
        {
            using var timeout = new CancellationTokenSource(_lookupTimeout, _clock);
            // WaitAsync as well as the token: the lookup ends on time even if the resolver does not.
            addresses = await _lookup(host, timeout.Token).WaitAsync(_lookupTimeout, _clock);
        }
        catch (Exception)
        {
            // Not found, failed or too slow: all mean "not resolved", which is not a refusal.
        }
        entry.Complete(addresses, _clock.GetUtcNow() + _ttl);
    }

    private static TimeSpan NotNegative(TimeSpan value) => value < TimeSpan.Zero ? TimeSpan.Zero : value;
}
