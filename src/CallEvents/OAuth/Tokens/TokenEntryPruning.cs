using CallEvents.Hosting.Startup;
using OpenIddict.Abstractions;

namespace CallEvents.OAuth.Tokens;

/// <summary>
/// Deletes old token entry rows (<c>open_iddict_tokens</c>). Access tokens no longer get one
/// (<see cref="SecretStamp"/>), but a database from an earlier version holds one per token it
/// ever issued. OpenIddict's own pruning removes the entries created before a threshold that are
/// expired or no longer valid; the threshold is twice the access token lifetime, so every entry
/// it removes belongs to a token that has already expired and can never be looked up again.
/// Runs a minute after start (off the cold start's path), then every <see cref="Interval"/>;
/// a failure is logged and tried again next time, never fatal.
/// </summary>
public sealed class TokenEntryPruning(IServiceScopeFactory scopes, TimeProvider clock, DatabaseReadiness readiness, ILogger<TokenEntryPruning> logger) : BackgroundService
{
    public static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await readiness.WaitUntilServingAsync(stoppingToken))
        {
            return; // the node gave up, or stopped, before it could serve (Hosting/Startup/DatabaseReadiness.cs)
        }
        try
        {
            await Task.Delay(FirstRun, clock, stoppingToken);
            using var timer = new PeriodicTimer(Interval, clock);
            do
            {
                await PruneAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }

    /// <summary>One pass; how many entries it removed.</summary>
    public async Task<long> PruneAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
            var removed = await tokens.PruneAsync(clock.GetUtcNow() - 2 * OAuthSetup.AccessTokenLifetime, cancellationToken);
            if (removed > 0)
            {
                logger.LogInformation("Pruned {Count} expired token entries.", removed);
            }
            return removed;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Pruning expired token entries failed; will try again in {Interval}.", Interval);
            return 0;
        }
    }
}
