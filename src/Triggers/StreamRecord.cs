using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using Platform.Streams.Log;
using Platform.Streams.Records;

namespace Platform.Triggers;

/// <summary>
/// One record of a stream as a function sees it, with the fields of a record in AWS Lambda's Kinesis event.
/// </summary>
/// <remarks>
/// Records the runtime reads are views over the buffer of one storage read: <see cref="Data"/> is a slice of it (no
/// copy), and the partition key and the 56-digit sequence number are decoded only when first asked for, so a function
/// that does not look at them does not pay for them. A function that keeps <see cref="Data"/> beyond its invocation
/// keeps that buffer alive; copy it (<c>Data.ToArray()</c>) to keep only the record.
/// </remarks>
public sealed class StreamRecord
{
    private readonly RecordSource? _source;
    private readonly int _keyStart;
    private readonly int _keyLength;
    private readonly SequenceNumber _position;
    private string? _partitionKey;
    private string? _sequenceNumber;

    public StreamRecord()
    {
    }

    /// <summary>A view of frame <paramref name="frame"/> of a read buffer.</summary>
#pragma warning disable CS8618 // the key and the sequence number are decoded from the view on first use
    [SetsRequiredMembers]
    internal StreamRecord(RecordSource source, ReadOnlyMemory<byte> buffer, in ScannedFrame frame, SequenceNumber position)
    {
        _source = source;
        _keyStart = frame.KeyStart;
        _keyLength = frame.KeyLength;
        _position = position;
        Data = buffer.Slice(frame.DataStart, frame.DataLength);
        ApproximateArrivalTimestamp = DateTimeOffset.FromUnixTimeMilliseconds(frame.ArrivalUnixMs);
        KeyBuffer = buffer;
    }
#pragma warning restore CS8618

    public required ReadOnlyMemory<byte> Data { get; init; }

    public required string PartitionKey
    {
        get => _partitionKey ??= Encoding.UTF8.GetString(KeyBuffer.Span.Slice(_keyStart, _keyLength));
        init => _partitionKey = value;
    }

    /// <summary>The record's sequence number in its shard; the <c>ItemIdentifier</c> of a partial batch response.</summary>
    public required string SequenceNumber
    {
        get => _sequenceNumber ??= _position.ToString();
        init => _sequenceNumber = value;
    }

    public required DateTimeOffset ApproximateArrivalTimestamp { get; init; }

    public required string ShardId
    {
        get => field ?? _source!.ShardId;
        init;
    }

    public required string StreamName
    {
        get => field ?? _source!.StreamName;
        init;
    }

    /// <summary>The stream's ARN (Lambda's <c>eventSourceARN</c>).</summary>
    public required string EventSourceArn
    {
        get => field ?? _source!.StreamArn;
        init;
    }

    /// <summary><c>{shardId}:{sequenceNumber}</c>, as Lambda's <c>eventID</c>.</summary>
    public string EventId => ShardId + ":" + SequenceNumber;

    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the record's shape, as in Lambda's event (serialized, bound).")]
    public string EventSource => "aws:kinesis";

    [SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "Part of the record's shape, as in Lambda's event (serialized, bound).")]
    public string EventName => "aws:kinesis:record";

    /// <summary>The buffer the partition key is decoded from, for records read by the runtime.</summary>
    private ReadOnlyMemory<byte> KeyBuffer { get; }

    /// <summary>The data as UTF-8 text.</summary>
    public string DataAsString() => Encoding.UTF8.GetString(Data.Span);

    /// <summary>The data as JSON of <typeparamref name="T"/>.</summary>
    /// <exception cref="JsonException">The data is not JSON of that shape.</exception>
    public T? Deserialize<T>(JsonSerializerOptions? options = null) => JsonSerializer.Deserialize<T>(Data.Span, options ?? JsonSerializerOptions.Web);
}
