using Platform.TestWorker;

namespace Platform.Storage.Tests.Embedded;

/// <summary>Checks a blob written by test workers: whole, intact records back to back, every acknowledged one present.</summary>
internal static class RecordLog
{
    public static Dictionary<long, (int Worker, int Sequence, int Length)> ParseWhole(ReadOnlySpan<byte> content)
    {
        var records = new Dictionary<long, (int Worker, int Sequence, int Length)>();
        var offset = 0;
        while (offset < content.Length)
        {
            var record = TestRecord.TryRead(content[offset..]);
            Assert.True(record is not null, $"bytes at offset {offset} of {content.Length} are not a whole record: a partial or interleaved append was returned as data");
            records[offset] = record.Value;
            offset += record.Value.Length;
        }

        return records;
    }

    public static void AssertAcknowledgedPresent(Dictionary<long, (int Worker, int Sequence, int Length)> records, IEnumerable<Infrastructure.WorkerProcess.Ack> acks)
    {
        foreach (var ack in acks)
        {
            Assert.True(records.TryGetValue(ack.Offset, out var found), $"acknowledged append {ack.Worker}/{ack.Sequence} at offset {ack.Offset} is missing");
            Assert.Equal((ack.Worker, ack.Sequence, ack.Length), found);
        }
    }
}
