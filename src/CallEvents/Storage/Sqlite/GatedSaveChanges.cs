using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CallEvents.Storage.Sqlite;

/// <summary>
/// Makes every EF Core SaveChanges take the <see cref="WriteGate"/> unless its caller already
/// holds it: this is how EF Core's writes join the one write order, not a second one. Why:
/// OpenIddict writes a token entry per token request with its own SaveChanges; outside the gate,
/// 32 concurrent token requests fought for SQLite's write lock, and SQLite's busy handler sleeps
/// (up to 100 ms a try) — measured with bench/run.sh, token issue ran at a few hundred per second
/// with a p50 near 100 ms (bench/README.md).
/// A SaveChanges inside an explicit transaction is left alone: the transaction already holds
/// SQLite's write lock (BEGIN IMMEDIATE), and taking the gate after it could invert the lock order
/// with a writer that holds the gate and waits for that lock.
/// </summary>
internal sealed class GatedSaveChanges(WriteGate gate) : SaveChangesInterceptor
{
    private readonly ConditionalWeakTable<DbContext, StrongBox<WriteGate.Releaser>> _held = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (NeedsGate(eventData.Context))
        {
            Enter(eventData.Context, gate.Enter());
        }
        else
        {
            GroupCommit.MarkWrite();
        }
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (NeedsGate(eventData.Context))
        {
            Enter(eventData.Context, await gate.EnterAsync(cancellationToken));
        }
        else
        {
            GroupCommit.MarkWrite();
        }
        return result;
    }

    private static bool NeedsGate(DbContext? context) =>
        context is not null && !WriteGate.IsHeldHere && context.Database.CurrentTransaction is null;

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
        Leave(eventData.Context);
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

