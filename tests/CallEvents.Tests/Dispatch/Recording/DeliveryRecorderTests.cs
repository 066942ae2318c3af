using CallEvents.Dispatch;
using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Queue;
using CallEvents.Storage;
using CallEvents.Storage.Sql;
using CallEvents.Storage.Sqlite;
using CallEvents.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Dispatch.Recording;

/// <summary>
/// The attempt recorder's batch rules, on the real database of a running server: a batch is
/// made here by hand, so that which results share one batch is decided by the test and not by
/// timing. Its rows are due in a year, so the server's own sender never claims them.
/// </summary>
public sealed class DeliveryRecorderTests(LoopbackHostFixture fixture) : IClassFixture<LoopbackHostFixture>, IAsyncLifetime
{
    private const string ThisNode = "recorder-test-node";

    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public Task InitializeAsync() => fixture.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ADeliveryDeletedWithItsEventBeforeItsAttemptIsRecordedIsSkippedAndTheRestOfTheBatchIsRecorded()
    {
        var deleted = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210");
        var kept = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210", type: 1);
        var gone = await QueueAsync(deleted, "call-gone");
        var stays = await QueueAsync(kept, "call-stays");
        using (var response = await fixture.User.DeleteAsync(UapiCalls.Events("@me", "0003*210", "0", deleted)))
        {
            response.EnsureSuccessStatusCode();
        }

        await RecordAsync(new DeliveryOptions(), Finished(gone, Ok, Now), Finished(stays, Ok, Now));

        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        Assert.False(await db.Deliveries.AnyAsync(d => d.Seq == gone.Seq));
        Assert.False(await db.DeliveryAttempts.AnyAsync(a => a.DeliverySeq == gone.Seq || a.EventId == deleted));
        Assert.Equal(DeliveryState.Succeeded, await db.Deliveries.Where(d => d.Seq == stays.Seq).Select(d => d.State).SingleAsync());
        Assert.Equal([AttemptOutcome.Succeeded], await db.DeliveryAttempts.Where(a => a.DeliverySeq == stays.Seq).Select(a => a.Outcome).ToListAsync());
    }

    [Fact]
    public async Task FailuresThatCrossTheAutoDisableWindowTogetherInOneBatchDisableTheEvent()
    {
        // The first failure is an hour old and its lease was lost (another node holds its row):
        // it is only logged, and decides nothing. The second, a moment ago, is the one that
        // decides: neither alone spans the hour, together they do, if its decision reads what
        // the batch logged before it.
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210");
        var lost = await QueueAsync(id, "call-lost", heldBy: "another-node");
        var held = await QueueAsync(id, "call-held");
        var options = new DeliveryOptions { AutoDisableAfter = TimeSpan.FromHours(1) };

        await RecordAsync(options, Finished(lost, Unavailable, Now - TimeSpan.FromHours(1)), Finished(held, Unavailable, Now));

        using var response = await fixture.User.GetAsync(UapiCalls.Events("@me", "0003*210", "0", id));
        Assert.Equal("0", (await UapiCalls.ReadJsonAsync(response)).GetProperty("entry")[0].GetProperty("status").GetString());
        // (The sender's sweep may meanwhile cancel the held row, now a retry of a disabled event: that entry is not the batch's.)
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var log = await db.DeliveryAttempts.Where(a => a.EventId == id && a.Outcome != AttemptOutcome.Cancelled).OrderBy(a => a.Seq).Select(a => new { a.DeliverySeq, a.Error }).ToListAsync();
        Assert.Equal([lost.Seq, held.Seq], log.Select(a => a.DeliverySeq));
        Assert.DoesNotContain("disabled", log[0].Error);
        Assert.Contains("The phone call event was disabled (status 0)", log[1].Error);
    }

    [Fact]
    public async Task AResultWhoseLeaseWasLostIsLoggedButLeavesTheRowToItsNewHolder()
    {
        // Another node claimed the row again after this claim's lease ran out: this late success
        // is logged (the receiver saw it), and the row stays pending and leased to the other node.
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210");
        var lost = await QueueAsync(id, "call-lost-ok", heldBy: "another-node");

        await RecordAsync(new DeliveryOptions(), Finished(lost, Ok, Now));

        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var row = await db.Deliveries.Where(d => d.Seq == lost.Seq).Select(d => new { d.State, d.LeaseOwner, d.Attempts }).SingleAsync();
        Assert.Equal((DeliveryState.Pending, "another-node", 0), (row.State, row.LeaseOwner, row.Attempts));
        Assert.Equal([AttemptOutcome.Succeeded], await db.DeliveryAttempts.Where(a => a.DeliverySeq == lost.Seq).Select(a => a.Outcome).ToListAsync());
    }

    [Fact]
    public async Task ABatchThatFailsHalfwayWritesNothingOfItsOwnAndTheWritesBesideItAreKept()
    {
        // On SQLite the recorder's unit of work shares the writer's transaction with other
        // writes: what it wrote before it failed is undone, and only that.
        var id = await UapiCalls.CreateAsync(fixture.User, "@me", "0003*210");
        var first = await QueueAsync(id, "call-unit-first");
        var second = await QueueAsync(id, "call-unit-second");
        var writes = fixture.Host.Services.GetRequiredService<WriteBatches>();

        var failing = writes.RunUnitAsync<int>(async lease =>
        {
            await DeliveryRecorder.RecordAsync(lease, [Finished(first, Ok, Now)], new DeliveryOptions(), Now);
            throw new InvalidOperationException("fails after its first statements");
        });
        var beside = writes.RunUnitAsync(async lease =>
        {
            await DeliveryRecorder.RecordAsync(lease, [Finished(second, Ok, Now)], new DeliveryOptions(), Now);
            return 0;
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing);
        await beside;

        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        Assert.Equal(DeliveryState.Pending, await db.Deliveries.Where(d => d.Seq == first.Seq).Select(d => d.State).SingleAsync());
        Assert.False(await db.DeliveryAttempts.AnyAsync(a => a.DeliverySeq == first.Seq));
        Assert.Equal(DeliveryState.Succeeded, await db.Deliveries.Where(d => d.Seq == second.Seq).Select(d => d.State).SingleAsync());
        Assert.Equal([AttemptOutcome.Succeeded], await db.DeliveryAttempts.Where(a => a.DeliverySeq == second.Seq).Select(a => a.Outcome).ToListAsync());
    }

    private static readonly AttemptResult Ok = new(200, null, Succeeded: true, Retryable: false, RetryAfter: null);

    private static readonly AttemptResult Unavailable = new(503, "HTTP 503", Succeeded: false, Retryable: true, RetryAfter: null);

    private static DeliveryPipeline.Finished Finished(DeliveryPipeline.Claimed delivery, AttemptResult result, DateTimeOffset attemptedAt) =>
        new(delivery, result, attemptedAt.ToUnixTimeMilliseconds(), LatencyMs: 5);

    /// <summary>
    /// A pending delivery of the event, due in a year, as this node's claim of it; its row leased
    /// to <paramref name="heldBy"/> when given (this claim's lease is then lost), else to this claim.
    /// </summary>
    private async Task<DeliveryPipeline.Claimed> QueueAsync(string eventId, string callId, string heldBy = ThisNode)
    {
        var leaseUntil = (Now + TimeSpan.FromHours(2)).ToUnixTimeMilliseconds();
        await using var scope = fixture.Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
        var row = new Delivery
        {
            Id = "test-" + callId,
            EventId = eventId,
            CallId = callId,
            Kind = "dial-in",
            Payload = "CallID=" + callId,
            State = DeliveryState.Pending,
            DueAt = (Now + TimeSpan.FromDays(365)).ToUnixTimeMilliseconds(),
            CreatedAt = Now.ToUnixTimeMilliseconds(),
            LeaseOwner = heldBy,
            LeasedUntil = leaseUntil,
        };
        using (await scope.ServiceProvider.GetRequiredService<WriteGate>().EnterAsync(CancellationToken.None))
        {
            db.Deliveries.Add(row);
            await db.SaveChangesAsync();
        }
        return new DeliveryPipeline.Claimed(row.Seq, row.Id, eventId, callId, row.Kind, row.Payload, Attempts: 0, RunAttempts: 0)
        {
            Lease = (ThisNode, leaseUntil),
        };
    }

    /// <summary>One batch, written as the sender writes it: one unit of work on the writer.</summary>
    private async Task RecordAsync(DeliveryOptions options, params DeliveryPipeline.Finished[] batch) =>
        await fixture.Host.Services.GetRequiredService<WriteBatches>().RunUnitAsync(async lease =>
        {
            await DeliveryRecorder.RecordAsync(lease, batch, options, Now);
            return 0;
        });
}
