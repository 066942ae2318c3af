using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CallEvents.Storage;

/// <summary>
/// Makes every EF Core SaveChanges take the <see cref="WriteGate"/> unless its caller already
/// holds it. Why: OpenIddict writes a token entry per token request with its own SaveChanges;
/// outside the gate, 32 concurrent token requests fought for SQLite's write lock, and SQLite's
/// busy handler sleeps (up to 100 ms a try) — measured with bench/run.sh, token issue ran at a few
/// hundred per second with a p50 near 100 ms (bench/README.md).
/// </summary>
internal sealed class GatedSaveChanges(WriteGate gate) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, StrongBox<WriteGate.Releaser>> _held = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (!WriteGate.IsHeldHere && eventData.Context is not null)
        {
            Enter(eventData.Context, gate.EnterAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult());
        }
        else
        {
            GroupCommit.MarkWrite();
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (!WriteGate.IsHeldHere && eventData.Context is not null)
        {
            Enter(eventData.Context, await gate.EnterAsync(cancellationToken));
        }
        else
        {
            GroupCommit.MarkWrite();
        }
        return result;
    }

    private void Enter(DbContext? context, WriteGate.Releaser releaser)
    {
        if (context is null)
        {
            releaser.Dispose();
            return;
        }
        _held.AddOrUpdate(context, new StrongBox<WriteGate.Releaser>(releaser));
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        Leave(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context); // outside a request, the gate's release flushes (Durability=Full)
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Leave(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void SaveChangesCanceled(DbContextEventData eventData) => Leave(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    private void Leave(DbContext? context)
    {
        if (context is not null && _held.TryGetValue(context, out var box))
        {
            _held.Remove(context);
            box.Value.Dispose();
        }
    }
}

/// <summary>
/// Under <c>Durability=Full</c>, an explicit transaction committed outside a request (the command
/// line, the demo tenant, background work) is flushed before the commit returns; inside a request
/// the answer waits for the flush instead (<see cref="GroupCommit"/>).
/// </summary>
internal sealed class FlushOnCommit(GroupCommit groupCommit) : DbTransactionInterceptor
{
    public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData) =>
        groupCommit.FlushOutsideRequest();

    public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        groupCommit.FlushOutsideRequest();
        return Task.CompletedTask;
    }
}
