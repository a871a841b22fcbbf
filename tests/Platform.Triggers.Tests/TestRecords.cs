using System.Globalization;
using System.Text;

namespace Platform.Triggers.Tests;

internal static class TestRecords
{
    /// <summary>Records "r0".."r{n-1}" with increasing fixed-width sequence numbers, arrived at <paramref name="arrival"/>.</summary>
    public static StreamRecord[] Make(int count, DateTimeOffset? arrival = null) =>
        [.. Enumerable.Range(0, count).Select(i => new StreamRecord
        {
            Data = Encoding.UTF8.GetBytes("r" + i.ToString(CultureInfo.InvariantCulture)),
            PartitionKey = "k" + (i % 7).ToString(CultureInfo.InvariantCulture),
            SequenceNumber = (1_000_000 + i).ToString(CultureInfo.InvariantCulture),
            ApproximateArrivalTimestamp = arrival ?? DateTimeOffset.UtcNow,
            ShardId = "shardId-000000000000",
            StreamName = "s",
            EventSourceArn = "arn:aws:kinesis:us-east-1:000000000000:stream/s",
        })];
}
