using CallEvents.Dispatch;
using CallEvents.Dispatch.Attempts;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallEvents.Tests.Dispatch;

/// <summary>How finished attempts reach the recorder: in batches, and one by one when a batch fails.</summary>
public sealed class AttemptWriterTests
{
    [Fact]
    public async Task WhenABatchFailsEachOfItsAttemptsIsWrittenAgainAsABatchOfOneAndOnlyTheBadOneFails()
    {
        var batches = new List<long[]>();
        var bad = new InvalidOperationException("attempt 2 cannot be written");
        var writer = new AttemptWriter(batch =>
        {
            batches.Add([.. batch.Select(a => a.Delivery.Seq)]);
            return batch.Any(a => a.Delivery.Seq == 2) ? Task.FromException(bad) : Task.CompletedTask;
        }, NullLogger.Instance);
        // Queued before the writer runs: the three go into its first batch.
        var written = new[] { 1L, 2, 3 }.Select(seq => writer.WriteAsync(Finished(seq))).ToArray();

        var running = writer.RunAsync();
        writer.Complete();
        await running;

        Assert.Equal([[1, 2, 3], [1], [2], [3]], batches);
        Assert.True(written[0].IsCompletedSuccessfully);
        Assert.Same(bad, await Assert.ThrowsAsync<InvalidOperationException>(() => written[1]));
        Assert.True(written[2].IsCompletedSuccessfully);
    }

    private static DeliveryPipeline.Finished Finished(long seq) =>
        new(new DeliveryPipeline.Claimed(seq, $"delivery{seq}", "event", "call", "dial-in", "", 0, 0) { Lease = ("node", 1) },
            new AttemptResult(200, null, true, false, null), 0, 0);
}
