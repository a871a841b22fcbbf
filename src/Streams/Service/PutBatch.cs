using System.Text;

namespace Platform.Streams.Service;

/// <summary>Records given as objects, laid out in one buffer as <see cref="PutRecordSlice"/>s (the put path's one shape).</summary>
internal sealed record PutBatch(byte[] Buffer, PutRecordSlice[] Records)
{
    public static PutBatch From(IReadOnlyList<PutRecordInput> records)
    {
        var size = 0;
        foreach (var record in records)
        {
            size += (record.PartitionKey is null ? 0 : Encoding.UTF8.GetByteCount(record.PartitionKey)) + record.Data.Length;
        }

        var buffer = new byte[size];
        var slices = new PutRecordSlice[records.Count];
        var position = 0;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var keyOffset = -1;
            var keyLength = 0;
            if (record.PartitionKey is not null)
            {
                keyOffset = position;
                keyLength = Encoding.UTF8.GetBytes(record.PartitionKey, buffer.AsSpan(position));
                position += keyLength;
            }

            record.Data.Span.CopyTo(buffer.AsSpan(position));
            slices[i] = new PutRecordSlice(keyOffset, keyLength, position, record.Data.Length, record.ExplicitHashKey);
            position += record.Data.Length;
        }

        return new PutBatch(buffer, slices);
    }
}
