using System.Threading.Channels;

namespace CallEvents.Dispatch.Attempts;

/// <summary>
/// Collects finished attempts and writes them in batches: whatever has finished while the
/// previous batch was being written goes into the next one (at most
/// <see cref="DeliveryRecorder.MaxBatch"/>), so under load many results share one
/// transaction and when idle a result is written at once. If a batch fails as a whole, its
/// results are written again one by one, each a batch of one, so that one bad result does not
/// leave the others to be sent again when their leases run out.
/// </summary>
public sealed class AttemptWriter(Func<IReadOnlyList<DeliveryPipeline.Finished>, Task> writeBatch, ILogger logger)
{
    private readonly Channel<(DeliveryPipeline.Finished Attempt, TaskCompletionSource Written)> _pending =
        Channel.CreateUnbounded<(DeliveryPipeline.Finished, TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Completes once the attempt is written (or fails with why it could not be).</summary>
    public Task WriteAsync(DeliveryPipeline.Finished attempt)
    {
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.Writer.TryWrite((attempt, written)))
        {
            written.SetException(new InvalidOperationException("The attempt writer has stopped."));
        }
        return written.Task;
    }

    /// <summary>No more attempts will come: <see cref="RunAsync"/> ends once the pending ones are written.</summary>
    public void Complete() => _pending.Writer.TryComplete();

    /// <summary>Runs until <see cref="Complete"/>; never throws (a failed write fails its attempts' tasks).</summary>
    public async Task RunAsync()
    {
        var batch = new List<(DeliveryPipeline.Finished Attempt, TaskCompletionSource Written)>(DeliveryRecorder.MaxBatch);
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            batch.Clear();
            while (batch.Count < DeliveryRecorder.MaxBatch && _pending.Reader.TryRead(out var item))
            {
                batch.Add(item);
            }
            try
            {
                await writeBatch(batch.ConvertAll(b => b.Attempt));
                batch.ForEach(b => b.Written.TrySetResult());
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Writing {Count} attempts in one transaction failed; writing them one by one.", batch.Count);
                foreach (var (attempt, written) in batch)
                {
                    try
                    {
                        await writeBatch([attempt]);
                        written.TrySetResult();
                    }
                    catch (Exception one)
                    {
                        written.TrySetException(one);
                    }
                }
            }
        }
    }
}
