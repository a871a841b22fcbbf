using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Platform.Streams.Log;
using Platform.Streams.Service;

namespace Platform.Streams.Api;

// The two hot operations without object models: PutRecords is read from the body in place (base64 decoded
// over its own text, partition keys left where they are) and handed to the service as slices; PutRecords and
// GetRecords answers are written with Utf8JsonWriter straight from outcomes and stored frames. The other
// operations go through the source-generated KinesisJson context.
public static partial class KinesisApi
{
    /// <summary>GetRecords answers are flushed to the client every this many records, so a 10 MiB answer is never held whole.</summary>
    private const int RecordsPerFlush = 256;

    private static readonly JsonWriterOptions WireWriter = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static async Task PutRecordsAsync(HttpContext context, StreamService service, Memory<byte> body, CancellationToken ct)
    {
        if (body.IsEmpty)
        {
            throw new BadRequestBodyException("The request body is empty; send a JSON object ({} at least).");
        }

        var request = ReadPutRecords(body.Span);
        var name = StreamNames.Resolve(service.Options, request.StreamName, request.StreamARN);
        if (!request.HasRecords)
        {
            throw KinesisErrors.Constraint("records", "null", "Member must not be null");
        }

        if (request.FirstMissingData >= 0)
        {
            throw KinesisErrors.Constraint($"records.{request.FirstMissingData + 1}.member.data", "null", "Member must not be null");
        }

        StreamService.CheckPutRecordsCount(request.Count);
        var outcomes = await service.PutRecordsAsync(name, body, request.Records.AsMemory(0, request.Kept), ct);
        context.Response.StatusCode = 200;
        context.Response.ContentType = ContentType;
        var output = context.Response.BodyWriter;
        using (var json = new Utf8JsonWriter(output, WireWriter))
        {
            WritePutRecordsResponse(json, outcomes);
        }

        await output.FlushAsync(ct);
    }

    private static async Task GetRecordsAsync(HttpContext context, StreamService service, ReadOnlyMemory<byte> body, bool cbor, CancellationToken ct)
    {
        var request = Parse(body, KinesisJson.Wire.GetRecordsRequest);
        using var result = await service.GetRecordFramesAsync(request.ShardIterator, request.Limit, ct); // the frames are copied into the response before the read's buffers go back
        context.Response.StatusCode = 200;
        context.Response.ContentType = cbor ? KinesisCbor.ContentType : ContentType;
        var output = context.Response.BodyWriter;
        if (cbor)
        {
            await WriteGetRecordsCborAsync(output, result, ct);
            return;
        }

        using var json = new Utf8JsonWriter(output, WireWriter);
        json.WriteStartObject();
        json.WriteStartArray("Records"u8);
        for (var from = 0; from < result.Frames.Count; from += RecordsPerFlush)
        {
            WriteRecords(json, result.Frames, from, Math.Min(result.Frames.Count, from + RecordsPerFlush));
            await json.FlushAsync(ct);
            await output.FlushAsync(ct);
        }

        json.WriteEndArray();
        WriteGetRecordsTail(json, result);
        await json.FlushAsync(ct);
        await output.FlushAsync(ct);
    }

    /// <summary>
    /// The GetRecords answer in CBOR, written from the frames as the JSON one is (see <see cref="KinesisCbor"/>): data as
    /// byte strings straight from the frames, arrival times as tag 1 over milliseconds, in pieces of
    /// <see cref="RecordsPerFlush"/> records, so a 10 MiB answer is neither held whole nor translated.
    /// </summary>
    private static async Task WriteGetRecordsCborAsync(System.IO.Pipelines.PipeWriter output, GetRecordFramesResult result, CancellationToken ct)
    {
        KinesisCbor.WriteMapStart(output);
        KinesisCbor.WriteText(output, "Records"u8);
        KinesisCbor.WriteArrayStart(output);
        for (var from = 0; from < result.Frames.Count; from += RecordsPerFlush)
        {
            WriteRecordsCbor(output, result.Frames, from, Math.Min(result.Frames.Count, from + RecordsPerFlush));
            await output.FlushAsync(ct);
        }

        KinesisCbor.WriteEnd(output);
        if (result.NextShardIterator is not null)
        {
            KinesisCbor.WriteText(output, "NextShardIterator"u8);
            KinesisCbor.WriteText(output, Encoding.UTF8.GetBytes(result.NextShardIterator));
        }

        KinesisCbor.WriteText(output, "MillisBehindLatest"u8);
        KinesisCbor.WriteInteger(output, result.MillisBehindLatest);
        if (result.ChildShards is not null)
        {
            KinesisCbor.WriteText(output, "ChildShards"u8);
            KinesisCbor.WriteArrayStart(output);
            foreach (var child in ToChildren(result.ChildShards))
            {
                KinesisCbor.WriteMapStart(output);
                KinesisCbor.WriteText(output, "ShardId"u8);
                KinesisCbor.WriteText(output, Encoding.UTF8.GetBytes(child.ShardId));
                KinesisCbor.WriteText(output, "ParentShards"u8);
                KinesisCbor.WriteArrayStart(output);
                foreach (var parent in child.ParentShards)
                {
                    KinesisCbor.WriteText(output, Encoding.UTF8.GetBytes(parent));
                }

                KinesisCbor.WriteEnd(output);
                KinesisCbor.WriteText(output, "HashKeyRange"u8);
                KinesisCbor.WriteMapStart(output);
                KinesisCbor.WriteText(output, "StartingHashKey"u8);
                KinesisCbor.WriteText(output, Encoding.UTF8.GetBytes(child.HashKeyRange.StartingHashKey));
                KinesisCbor.WriteText(output, "EndingHashKey"u8);
                KinesisCbor.WriteText(output, Encoding.UTF8.GetBytes(child.HashKeyRange.EndingHashKey));
                KinesisCbor.WriteEnd(output);
                KinesisCbor.WriteEnd(output);
            }

            KinesisCbor.WriteEnd(output);
        }

        KinesisCbor.WriteEnd(output);
        await output.FlushAsync(ct);
    }

    private static void WriteRecordsCbor(IBufferWriter<byte> output, IReadOnlyList<StoredFrame> frames, int from, int to)
    {
        Span<byte> digits = stackalloc byte[SequenceNumber.Digits];
        for (var i = from; i < to; i++)
        {
            var frame = frames[i];
            frame.SequenceNumber.FormatUtf8(digits);
            KinesisCbor.WriteMapStart(output);
            KinesisCbor.WriteText(output, "SequenceNumber"u8);
            KinesisCbor.WriteText(output, digits);
            KinesisCbor.WriteText(output, "ApproximateArrivalTimestamp"u8);
            KinesisCbor.WriteTimestamp(output, frame.Layout.ArrivalUnixMs);
            KinesisCbor.WriteText(output, "Data"u8);
            KinesisCbor.WriteBytes(output, frame.Data);
            KinesisCbor.WriteText(output, "PartitionKey"u8);
            KinesisCbor.WriteText(output, frame.PartitionKeyUtf8);
            KinesisCbor.WriteEnd(output);
        }
    }

    /// <summary>
    /// Writes records as Kinesis's <c>Record</c> shape from their stored frames: no strings or arrays per record
    /// (sequence numbers are formatted into a stack buffer, data is base64-encoded from the frame).
    /// </summary>
    internal static void WriteRecords(Utf8JsonWriter json, IReadOnlyList<StoredFrame> frames, int from, int to)
    {
        Span<byte> digits = stackalloc byte[SequenceNumber.Digits];
        Span<byte> seconds = stackalloc byte[MaxEpochSecondsBytes];
        for (var i = from; i < to; i++)
        {
            var frame = frames[i];
            frame.SequenceNumber.FormatUtf8(digits);
            json.WriteStartObject();
            json.WriteString("SequenceNumber"u8, digits);
            json.WritePropertyName("ApproximateArrivalTimestamp"u8);
            json.WriteRawValue(seconds[..FormatEpochSeconds(frame.Layout.ArrivalUnixMs, seconds)], skipInputValidation: true);
            json.WriteBase64String("Data"u8, frame.Data);
            json.WriteString("PartitionKey"u8, frame.PartitionKeyUtf8);
            json.WriteEndObject();
        }
    }

    /// <summary>Room for any <see cref="long"/> of milliseconds as seconds: sign, 16 digits, point, 3 decimals.</summary>
    internal const int MaxEpochSecondsBytes = 24;

    /// <summary>
    /// Writes Unix milliseconds as the JSON number of seconds Kinesis's timestamps are (1796112625.961), with the
    /// decimals a decimal division would keep (trailing zeros dropped, no point for whole seconds), without decimal
    /// arithmetic: every record of an answer carries one. Returns the bytes written.
    /// </summary>
    internal static int FormatEpochSeconds(long unixMilliseconds, Span<byte> destination)
    {
        var written = 0;
        if (unixMilliseconds < 0)
        {
            destination[written++] = (byte)'-';
        }

        var magnitude = unixMilliseconds == long.MinValue ? (ulong)long.MaxValue + 1 : (ulong)Math.Abs(unixMilliseconds);
        Utf8Formatter.TryFormat(magnitude / 1000, destination[written..], out var digits);
        written += digits;
        var millis = (int)(magnitude % 1000);
        if (millis != 0)
        {
            destination[written++] = (byte)'.';
            for (var unit = 100; millis != 0; unit /= 10)
            {
                destination[written++] = (byte)('0' + (millis / unit));
                millis %= unit;
            }
        }

        return written;
    }

    private static void WriteGetRecordsTail(Utf8JsonWriter json, GetRecordFramesResult result)
    {
        if (result.NextShardIterator is not null)
        {
            json.WriteString("NextShardIterator"u8, result.NextShardIterator);
        }

        json.WriteNumber("MillisBehindLatest"u8, result.MillisBehindLatest);
        if (result.ChildShards is not null)
        {
            json.WriteStartArray("ChildShards"u8);
            foreach (var child in ToChildren(result.ChildShards))
            {
                json.WriteStartObject();
                json.WriteString("ShardId"u8, child.ShardId);
                json.WriteStartArray("ParentShards"u8);
                foreach (var parent in child.ParentShards)
                {
                    json.WriteStringValue(parent);
                }

                json.WriteEndArray();
                json.WriteStartObject("HashKeyRange"u8);
                json.WriteString("StartingHashKey"u8, child.HashKeyRange.StartingHashKey);
                json.WriteString("EndingHashKey"u8, child.HashKeyRange.EndingHashKey);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WritePutRecordsResponse(Utf8JsonWriter json, PutRecordOutcome[] outcomes)
    {
        var failed = 0;
        foreach (var outcome in outcomes)
        {
            failed += outcome.Succeeded ? 0 : 1;
        }

        Span<byte> digits = stackalloc byte[SequenceNumber.Digits];
        json.WriteStartObject();
        json.WriteNumber("FailedRecordCount"u8, failed);
        json.WriteStartArray("Records"u8);
        foreach (var outcome in outcomes)
        {
            json.WriteStartObject();
            if (outcome.Succeeded)
            {
                outcome.SequenceNumber.FormatUtf8(digits);
                json.WriteString("ShardId"u8, outcome.ShardId);
                json.WriteString("SequenceNumber"u8, digits);
            }
            else
            {
                json.WriteString("ErrorCode"u8, outcome.ErrorCode);
                json.WriteString("ErrorMessage"u8, outcome.ErrorMessage);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("EncryptionType"u8, "NONE"u8);
        json.WriteEndObject();
    }

    /// <summary>
    /// Reads a PutRecords body as System.Text.Json would bind it (exact member names, unknown members skipped,
    /// the last of repeated members wins, nulls as absent), decoding each record's base64 data over its own
    /// text in <paramref name="body"/> and leaving partition keys in place, so records become slices of the body.
    /// Syntax errors, wrong member types, bad base64 and invalid UTF-8 throw <see cref="JsonException"/>. At most
    /// <see cref="StreamService.MaxRecordsPerPut"/> records are kept; the rest are checked and counted.
    /// </summary>
    internal static PutRecordsBody ReadPutRecords(Span<byte> body)
    {
        var reader = new Utf8JsonReader(body);
        if (!reader.Read())
        {
            throw new JsonException("The request body holds no JSON value.");
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new BadRequestBodyException("The request body must be a JSON object, not null.");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"The request body must be a JSON object, not {reader.TokenType}.");
        }

        var result = new PutRecordsBody();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("StreamName"u8))
            {
                reader.Read();
                result.StreamName = ReadString(ref reader, "StreamName");
            }
            else if (reader.ValueTextEquals("StreamARN"u8))
            {
                reader.Read();
                result.StreamARN = ReadString(ref reader, "StreamARN");
            }
            else if (reader.ValueTextEquals("Records"u8))
            {
                reader.Read();
                ReadRecords(ref reader, body, result);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        // Anything after the object other than whitespace makes the reader throw.
        while (reader.Read())
        {
        }

        return result;
    }

    private static void ReadRecords(ref Utf8JsonReader reader, Span<byte> body, PutRecordsBody result)
    {
        // Repeated "Records" members: the last one wins, as in System.Text.Json.
        result.HasRecords = false;
        result.Count = 0;
        result.Clear();
        result.FirstMissingData = -1;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException($"Records must be an array, not {reader.TokenType}.");
        }

        result.HasRecords = true;
        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var record = reader.TokenType switch
            {
                JsonTokenType.Null => new PutRecordSlice(-1, 0, -1, 0, null),
                JsonTokenType.StartObject => ReadRecord(ref reader, body, index),
                _ => throw new JsonException($"Records[{index}] must be an object, not {reader.TokenType}."),
            };
            if (record.DataOffset < 0 && result.FirstMissingData < 0)
            {
                result.FirstMissingData = index;
            }

            if (index < StreamService.MaxRecordsPerPut)
            {
                result.Add(record);
            }

            index++;
        }

        result.Count = index;
    }

    private static PutRecordSlice ReadRecord(ref Utf8JsonReader reader, Span<byte> body, int index)
    {
        int keyOffset = -1, keyLength = 0, dataOffset = -1, dataLength = 0;
        string? explicitHashKey = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("Data"u8))
            {
                reader.Read();
                (dataOffset, dataLength) = reader.TokenType switch
                {
                    JsonTokenType.Null => (-1, 0),
                    JsonTokenType.String => DecodeBase64InPlace(ref reader, body, index),
                    _ => throw new JsonException($"Records[{index}].Data must be a base64 string, not {reader.TokenType}."),
                };
            }
            else if (reader.ValueTextEquals("PartitionKey"u8))
            {
                reader.Read();
                (keyOffset, keyLength) = reader.TokenType switch
                {
                    JsonTokenType.Null => (-1, 0),
                    JsonTokenType.String => UnescapeInPlace(ref reader, body, index),
                    _ => throw new JsonException($"Records[{index}].PartitionKey must be a string, not {reader.TokenType}."),
                };
            }
            else if (reader.ValueTextEquals("ExplicitHashKey"u8))
            {
                reader.Read();
                explicitHashKey = ReadString(ref reader, $"Records[{index}].ExplicitHashKey");
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new PutRecordSlice(keyOffset, keyLength, dataOffset, dataLength, explicitHashKey);
    }

    /// <summary>Decoded record data up to this size is decoded on the stack before it is copied over its text.</summary>
    private const int StackDecodeLimit = 4096;

    /// <summary>Decodes the current base64 string over its own text (decoded bytes are fewer) and returns where they are.</summary>
    private static (int Offset, int Length) DecodeBase64InPlace(ref Utf8JsonReader reader, Span<byte> body, int index)
    {
        var start = checked((int)reader.TokenStartIndex + 1); // past the opening quote
        var raw = body.Slice(start, reader.ValueSpan.Length);
        OperationStatus status;
        int written;
        if (!reader.ValueIsEscaped)
        {
            // DecodeFromUtf8InPlace is a scalar loop; the vectorised decoder into scratch and a copy back is several
            // times faster (base64 decoding was the most expensive managed step of a PutRecords).
            var decodedLength = Base64.GetMaxDecodedFromUtf8Length(raw.Length);
            byte[]? rented = null;
            var scratch = decodedLength <= StackDecodeLimit
                ? stackalloc byte[decodedLength]
                : (rented = ArrayPool<byte>.Shared.Rent(decodedLength));
            try
            {
                status = Base64.DecodeFromUtf8(raw, scratch, out _, out written);
                scratch[..written].CopyTo(raw);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        else
        {
            // Some encoders escape '+' and '/' (\u002B, \/): unescape aside, then decode over the raw text.
            var scratch = ArrayPool<byte>.Shared.Rent(raw.Length);
            try
            {
                var unescaped = CopyString(ref reader, scratch, $"Records[{index}].Data");
                status = Base64.DecodeFromUtf8(scratch.AsSpan(0, unescaped), raw, out _, out written);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        if (status != OperationStatus.Done)
        {
            throw new JsonException($"Records[{index}].Data is not valid base64.");
        }

        return (start, written);
    }

    /// <summary>Leaves the current string's UTF-8 bytes where they are (unescaped over its raw text if need be) and returns where they are.</summary>
    private static (int Offset, int Length) UnescapeInPlace(ref Utf8JsonReader reader, Span<byte> body, int index)
    {
        var start = checked((int)reader.TokenStartIndex + 1);
        var raw = body.Slice(start, reader.ValueSpan.Length);
        var length = raw.Length;
        if (reader.ValueIsEscaped)
        {
            var scratch = ArrayPool<byte>.Shared.Rent(raw.Length);
            try
            {
                length = CopyString(ref reader, scratch, $"Records[{index}].PartitionKey");
                scratch.AsSpan(0, length).CopyTo(raw);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        if (!Utf8.IsValid(raw[..length]))
        {
            throw new JsonException($"Records[{index}].PartitionKey is not valid UTF-8.");
        }

        return (start, length);
    }

    private static int CopyString(ref Utf8JsonReader reader, Span<byte> destination, string member)
    {
        try
        {
            return reader.CopyString(destination);
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException($"{member} is not a valid JSON string: {e.Message}", e);
        }
    }

    private static string? ReadString(ref Utf8JsonReader reader, string member)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                try
                {
                    return reader.GetString();
                }
                catch (InvalidOperationException e)
                {
                    throw new JsonException($"{member} is not a valid JSON string: {e.Message}", e);
                }

            default:
                throw new JsonException($"{member} must be a string, not {reader.TokenType}.");
        }
    }
}
