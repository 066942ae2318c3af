using System.Threading.Channels;
using CallEvents.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace CallEvents.Storage.Sql;

/// <summary>
/// The request hot paths' writes (create, update, delete), batched. Batching, not a second
/// ordering: writes are ordered by the <see cref="WriteGate"/> alone (SQLite's one writer, in
/// memory), and this puts many of them into one turn at it. On SQLite one writer loop takes every
/// write waiting, enters the gate once, runs them in one transaction, commits once, then answers
/// them all; EF Core's writes and the delivery queue's take their turns at the gate in between.
/// PostgreSQL runs each write on its own connection at once: the server handles concurrency there.
///
/// Each write is one statement that changes rows: SQLite undoes a statement that fails by itself
/// and the transaction goes on, so a failed write takes nothing else with it (a savepoint per
/// write would cost two more statements each, for nothing). A unit of several such statements
/// (<see cref="RunUnitAsync{T}"/>: the delivery pipeline's intake and recorder) that fails after
/// it changed rows makes the batch run again without it.
/// The delivery pipeline writes here too (intake, claims, give-backs, results): all of SQLite's
/// hot writes then share the one writer connection, whose page cache SQLite keeps only while no
/// other connection commits, and whose statements stay prepared (bench/README.md, Deliveries:
/// every write on the writer (session 8)).
///
/// Why: with the gate alone, each request's write paid a commit of its own, and the gate was held
/// while the next waiter's continuation waited its turn in the thread pool behind request
/// parsing, so under load the one writer sat idle between writes (measured with bench/run.sh:
/// bench/README.md). A loop that keeps the writer busy with what has queued up is the "one
/// writer, batched commits" of group commit, as PostgreSQL does it.
///
/// A write is acknowledged only once its batch has committed. The request is marked as a writer
/// for <see cref="GroupCommit"/> (<c>Durability=Full</c>: the answer still waits for the fsync
/// after the commit) in <see cref="RunAsync"/>: the loop's entry into the gate marks the loop's
/// flow, not the request's.
/// </summary>
public sealed class WriteBatches(PreparedSql sql, WriteGate gate, ILogger<WriteBatches> logger)
{
    /// <summary>The most writes in one transaction: bounds how long the gate is held at a time.</summary>
    private const int MaxBatch = 128;

    private readonly Channel<IWrite> _queue = Channel.CreateUnbounded<IWrite>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>
    /// Queued (never run) when the writer has idled long enough: the loop, the writer's only
    /// user, then releases its page cache itself, between batches (<see cref="PreparedSql.OnWriterIdle"/>).
    /// </summary>
    private static readonly IWrite WriterIdle = new Write<bool>(_ => Task.FromResult(true), unit: false);
    private readonly Lock _start = new();
    private Task? _loop;

    /// <summary>
    /// Runs <paramref name="work"/> and completes after it is committed. The work runs at most
    /// one statement that changes rows (others may read), and nothing but its statements (a batch
    /// may run again: <see cref="RunUnitAsync{T}"/>); an exception it throws fails only it. The
    /// work runs to completion even if the client goes away (no cancellation): the answer may be
    /// lost, never the consistency. Commands come from the lease it is given.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<PreparedSql.Lease, Task<T>> work)
    {
        GroupCommit.MarkWrite();
        if (!sql.IsSqlite)
        {
            await using var lease = await sql.OpenAsync(CancellationToken.None);
            return await work(lease);
        }
        return await QueueAsync(new Write<T>(work, unit: false));
    }

    /// <summary>
    /// <see cref="RunAsync{T}"/> for a unit of work of several statements that change rows (the
    /// delivery pipeline's intake and recorder): all of it or nothing. On SQLite it joins a batch
    /// like any write; if it throws after it changed rows, the batch's transaction is rolled back
    /// and the batch's other writes run again without it, so that its failure takes nothing else
    /// with it and leaves nothing of its own. Every write of a batch may so run more than once
    /// before the batch commits: its work must do nothing but its statements (no other effect
    /// than its result). On PostgreSQL it is one transaction on its own connection.
    /// </summary>
    public async Task<T> RunUnitAsync<T>(Func<PreparedSql.Lease, Task<T>> work)
    {
        GroupCommit.MarkWrite();
        if (!sql.IsSqlite)
        {
            await using var lease = await sql.OpenAsync(CancellationToken.None);
            await lease.BeginAsync();
            var result = await work(lease);
            await lease.CommitAsync();
            return result;
        }
        return await QueueAsync(new Write<T>(work, unit: true));
    }

    private Task<T> QueueAsync<T>(Write<T> write)
    {
        _queue.Writer.TryWrite(write);
        EnsureLoop();
        return write.Completion.Task;
    }

    private void EnsureLoop()
    {
        if (_loop is not null)
        {
            return;
        }
        lock (_start)
        {
            if (_loop is null)
            {
                // The loop outlives the request that happened to start it: without this it would
                // carry that request's ExecutionContext (its Activity, its log scope) forever, and
                // every batch would be traced and logged as part of that one request.
                using (ExecutionContext.SuppressFlow())
                {
                    sql.OnWriterIdle(() => _queue.Writer.TryWrite(WriterIdle));
                    _loop = Task.Run(LoopAsync);
                }
            }
        }
    }

    private async Task LoopAsync()
    {
        var reader = _queue.Reader;
        var batch = new List<IWrite>(MaxBatch);
        while (await reader.WaitToReadAsync())
        {
            var writerIdle = false;
            while (batch.Count < MaxBatch && reader.TryRead(out var write))
            {
                if (ReferenceEquals(write, WriterIdle))
                {
                    writerIdle = true;
                    continue;
                }
                batch.Add(write);
            }
            if (writerIdle)
            {
                sql.ReleaseWriterCacheIfIdle(); // no lease is out: the last batch's was disposed
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await RunBatchAsync(batch);
            }
            catch (Exception exception)
            {
                // The transaction as a whole failed (BEGIN or COMMIT: the file is locked by
                // another process past busy_timeout, the disk is full): none of it happened.
                logger.LogWarning(exception, "A batch of {Count} writes failed and was rolled back", batch.Count);
                foreach (var write in batch)
                {
                    write.Fail(exception);
                }
            }
            batch.Clear();
        }
    }

    private async Task RunBatchAsync(List<IWrite> batch)
    {
        using (await gate.EnterAsync(CancellationToken.None))
        {
            await using var lease = sql.OpenWriter();
            var connection = (SqliteConnection)lease.Connection;
            try
            {
                // Once more for every unit that fails after it changed rows: its changes are
                // undone with the transaction, and the others run again without it.
                while (!await RunOnceAsync(lease, connection, batch))
                {
                    await lease.Command("ROLLBACK").ExecuteNonQueryAsync();
                }
                await lease.Command("COMMIT").ExecuteNonQueryAsync();
            }
            catch
            {
                lease.Fail(); // closed rather than reused: a transaction may still be open on it
                throw;
            }
        }
        foreach (var write in batch)
        {
            write.Complete();
        }
    }

    /// <summary>
    /// Runs the batch's writes in a transaction left open; false when a unit failed after it had
    /// changed rows (it is then left out of the batch, with its error, and the transaction must
    /// be rolled back). A unit gets no savepoint: while one is open SQLite copies every page the
    /// unit changes to its sub-journal (a statement's own journal lasts only for the statement),
    /// and in the deliveries bench those copies were more bytes written than the WAL
    /// (bench/README.md, Deliveries: every write on the writer (session 8)); a unit that fails
    /// after it changed rows is rare (the intake's refusals are thrown before it writes).
    /// </summary>
    private static async Task<bool> RunOnceAsync(PreparedSql.Lease lease, SqliteConnection connection, List<IWrite> batch)
    {
        await lease.Command("BEGIN IMMEDIATE").ExecuteNonQueryAsync();
        foreach (var write in batch)
        {
            if (write.LeftOut)
            {
                continue;
            }
            var changes = write.IsUnit ? connection.TotalChanges() : 0;
            if (await write.RunAsync(lease))
            {
                continue;
            }
            if (TransactionWasRolledBack(lease))
            {
                // Some errors (disk full, I/O) make SQLite roll back the whole transaction,
                // not just the statement: nothing of this batch is written, so say so to all.
                throw new InvalidOperationException("SQLite rolled the batch's transaction back after a failed write.");
            }
            if (write.IsUnit && connection.TotalChanges() != changes)
            {
                write.LeftOut = true;
                return false;
            }
            // One statement that failed was undone by SQLite alone; a unit that changed nothing left nothing.
        }
        return true;
    }

    /// <summary>Whether the connection is back in autocommit mode, i.e. the batch's transaction is gone.</summary>
    private static bool TransactionWasRolledBack(PreparedSql.Lease lease) =>
        lease.Connection is SqliteConnection sqlite && sqlite.IsInAutocommit();

    private interface IWrite
    {
        /// <summary>Several statements that change rows (<see cref="RunUnitAsync{T}"/>).</summary>
        bool IsUnit { get; }

        /// <summary>A unit that failed after it changed rows: the batch runs again without it.</summary>
        bool LeftOut { get; set; }

        /// <summary>Runs the work; false when it threw (the exception is kept for its answer).</summary>
        Task<bool> RunAsync(PreparedSql.Lease lease);

        void Complete();

        void Fail(Exception exception);
    }

    private sealed class Write<T>(Func<PreparedSql.Lease, Task<T>> work, bool unit) : IWrite
    {
        private T? _result;
        private Exception? _error;

        public bool IsUnit => unit;

        public bool LeftOut { get; set; }

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<bool> RunAsync(PreparedSql.Lease lease)
        {
            try
            {
                _error = null;
                _result = await work(lease);
                return true;
            }
            catch (Exception exception)
            {
                _error = exception;
                return false;
            }
        }

        public void Complete()
        {
            if (_error is not null)
            {
                Completion.TrySetException(_error);
            }
            else
            {
                Completion.TrySetResult(_result!);
            }
        }

        public void Fail(Exception exception) => Completion.TrySetException(exception);
    }
}
