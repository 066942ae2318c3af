using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace CallEvents.Tests.Dispatch.Destinations;

/// <summary>
/// A stand-in for DNS, registered as the server's <c>HostLookup</c>: each name answers what the
/// test scripted (addresses, a hang, an answer held until released); any other name is not found.
/// It counts the lookups of each name. Nothing here ever asks a real resolver.
/// </summary>
public sealed class ScriptedResolver
{
    private readonly ConcurrentDictionary<string, Func<Task<IPAddress[]>>> _script = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.OrdinalIgnoreCase);

    public void Answer(string host, params IPAddress[] addresses) => _script[host] = () => Task.FromResult(addresses);

    /// <summary>The lookup never ends, whatever its cancellation token says.</summary>
    public void Hang(string host) => _script[host] = () => new TaskCompletionSource<IPAddress[]>().Task;

    /// <summary>The lookup answers <paramref name="addresses"/> once <paramref name="release"/> completes.</summary>
    public void AnswerWhen(string host, Task release, params IPAddress[] addresses) =>
        _script[host] = async () => { await release; return addresses; };

    public int Calls(string host) => _calls.GetValueOrDefault(host);

    public int AllCalls => _calls.Values.Sum();

    public Task<IPAddress[]> LookupAsync(string host, CancellationToken cancellationToken)
    {
        _calls.AddOrUpdate(host, 1, (_, n) => n + 1);
        return _script.TryGetValue(host, out var answer)
            ? answer()
            : Task.FromException<IPAddress[]>(new SocketException((int)SocketError.HostNotFound));
    }
}
