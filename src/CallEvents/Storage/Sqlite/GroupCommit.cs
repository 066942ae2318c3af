using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace CallEvents.Storage.Sqlite;

/// <summary>
/// <c>Database:Durability=Full</c> on SQLite, made fast: an acknowledged write must be on disk
/// before the answer, but concurrent writes share one flush, as PostgreSQL's commits do.
///
/// How: connections commit with <c>synchronous=NORMAL</c> (the commit is in the WAL file, in the
/// OS's cache: safe from a process crash), and before a request that wrote sends the first byte
/// of its answer (<see cref="HttpResponse.OnStarting(Func{Task})"/>) it waits for an fsync of the
/// WAL file that started after its commit. One fsync runs at a time; every request that commits
/// while it runs waits for the next one, so N concurrent writers pay for about one fsync, not N.
/// This is the guarantee of <c>synchronous=FULL</c> (the WAL is synced before the commit is
/// reported), given per answer rather than per commit. Measured with bench/run.sh: see
/// bench/README.md. On PostgreSQL and with <c>Durability=Process</c> this does nothing.
///
/// Only the serving process is armed (<see cref="GroupCommitSetup.UseGroupCommit"/>); elsewhere
/// (the command line) connections keep SQLite's own synchronous=FULL. In the serving process,
/// background writes that answer no one (the delivery queue's leases and attempt log) are made
/// durable by the next flush, not before they return: after a power loss the last few
/// milliseconds of them may be lost, and a delivery may be sent again (deliveries are
/// at-least-once and carry a stable webhook-id for that reason).
/// </summary>
public sealed class GroupCommit
{
    private static readonly AsyncLocal<RequestWrites?> Current = new();

    private readonly string? _walPath;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _waiting;
    private bool _flushing;

    public GroupCommit(DatabaseOptions options)
    {
        if (options.Provider == DatabaseProvider.Sqlite && options.Durability == Durability.Full && options.GroupCommit)
        {
            var dataSource = new SqliteConnectionStringBuilder(options.ConnectionString).DataSource;
            _walPath = Path.GetFullPath(dataSource) + "-wal";
        }
    }

    /// <summary>Whether this configuration asks for group commit (SQLite, Durability=Full, GroupCommit=true).</summary>
    public bool Enabled => _walPath is not null;

    /// <summary>Whether answers in this process wait for the flush, so commits may use synchronous=NORMAL.</summary>
    public bool Armed { get; private set; }

    internal void Arm() => Armed = Enabled;

    private sealed class RequestWrites
    {
        public volatile bool Wrote;
    }

    /// <summary>The current request (if any) wrote, or is about to: its answer waits for a flush.</summary>
    internal static void MarkWrite()
    {
        if (Current.Value is { } writes)
        {
            writes.Wrote = true;
        }
    }

    /// <summary>Middleware: a request that wrote waits for the flush before its answer starts.</summary>
    internal async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var writes = new RequestWrites();
        Current.Value = writes;
        context.Response.OnStarting(() => writes.Wrote ? FlushAsync() : Task.CompletedTask);
        await next(context);
    }

    /// <summary>Completes once an fsync of the WAL that started after this call has finished.</summary>
    public Task FlushAsync()
    {
        if (!Enabled)
        {
            return Task.CompletedTask;
        }
        TaskCompletionSource waiting;
        var start = false;
        lock (_lock)
        {
            waiting = _waiting ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_flushing)
            {
                _flushing = true;
                start = true;
            }
        }
        if (start)
        {
            _ = Task.Factory.StartNew(FlushLoop, TaskCreationOptions.LongRunning);
        }
        return waiting.Task;
    }

    private void FlushLoop()
    {
        while (true)
        {
            TaskCompletionSource batch;
            lock (_lock)
            {
                if (_waiting is null)
                {
                    _flushing = false;
                    return;
                }
                batch = _waiting;
                _waiting = null;
            }
            try
            {
                SyncWal();
                batch.SetResult();
            }
            catch (Exception exception)
            {
                batch.SetException(exception);
            }
        }
    }

    private void SyncWal()
    {
        // A missing WAL means everything was checkpointed into the database file, which SQLite
        // syncs itself before it resets the WAL. fsync flushes the file, whichever handle wrote it.
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_walPath!, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return;
        }
        using (handle)
        {
            RandomAccess.FlushToDisk(handle);
        }
    }
}
