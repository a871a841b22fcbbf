using Platform.Streams.Client;
using Platform.Streams.Client.Model;

namespace Platform.Functions.Tests.Streams;

/// <summary>
/// One producer: PutRecords of <see cref="BatchSize"/> records, one request at a time, every record noted in a
/// <see cref="RecordLedger"/> before it is sent and acknowledged from the per-record answer. Failed entries are
/// not retried (a retry could store a record twice and hide a duplicate); a request without an answer ends it.
/// </summary>
internal static class LedgerProducer
{
    public const int BatchSize = 20;

    /// <summary>Puts until <paramref name="stop"/> is cancelled (the request in flight still finishes) or a request fails.</summary>
    public static Task RunAsync(IKinesisClient client, string host, string stream, int producer, RecordLedger ledger, CancellationToken stop) =>
        Task.Run(async () =>
        {
            var counter = ledger.NextCounter(producer);
            while (!stop.IsCancellationRequested)
            {
                var names = Enumerable.Range(counter, BatchSize).Select(i => new RecordName(producer, i)).ToList();
                counter += BatchSize;
                ledger.Sending(names);
                PutRecordsResponse response;
                try
                {
                    // Not cancelled by stop: a request cut off mid-flight would leave records whose fate is unknown.
                    response = await client.PutRecordsAsync(new PutRecordsRequest
                    {
                        StreamName = stream,
                        Records = [.. names.Select(n => new PutRecordsRequestEntry { PartitionKey = RecordLedger.PartitionKey(n), Data = RecordLedger.Data(n) })],
                    }, CancellationToken.None);
                }
                catch (KinesisException e)
                {
                    ledger.RequestFailed(e);
                    return;
                }

                for (var i = 0; i < names.Count; i++)
                {
                    var entry = response.Records[i];
                    if (entry.ErrorCode is null)
                    {
                        ledger.Acknowledge(names[i], host, entry.ShardId!, entry.SequenceNumber!);
                    }
                    else
                    {
                        ledger.Reject(names[i], entry.ErrorCode, entry.ErrorMessage);
                    }
                }
            }
        }, CancellationToken.None);
}
