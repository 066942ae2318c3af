using System.Net;

namespace CallEvents.Dispatch.Destinations;

/// <summary>One name's lookup in <see cref="RegistrationDns"/>: shared by every check while it runs, kept until it expires.</summary>
public sealed class CachedLookup
{
    private readonly TaskCompletionSource<IPAddress[]?> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _expiresAtTicks = long.MaxValue;

    /// <summary>The name's addresses, or null when it did not resolve (an error, no answer, or none in time).</summary>
    public Task<IPAddress[]?> Answer => _answer.Task;

    public bool IsDone => _answer.Task.IsCompleted;

    /// <summary>A lookup still running never expires: its answer is what the next check of the name waits for.</summary>
    public bool IsExpired(DateTimeOffset now) => now.UtcTicks >= Volatile.Read(ref _expiresAtTicks);

    public void Complete(IPAddress[]? addresses, DateTimeOffset expiresAt)
    {
        Volatile.Write(ref _expiresAtTicks, expiresAt.UtcTicks);
        _answer.SetResult(addresses);
    }
}
