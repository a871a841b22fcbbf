using System.Text.Json.Serialization;
using Platform.Streams.Client.Model;

namespace Platform.Streams.Client.Protocol;

/// <summary>
/// Source-generated (reflection-free) JSON for the AWS JSON 1.1 protocol: property names as in the
/// API, nulls left out of requests, byte data as base64, timestamps as epoch seconds.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(DeleteStreamRequest))]
[JsonSerializable(typeof(DescribeStreamSummaryRequest))]
[JsonSerializable(typeof(DescribeStreamSummaryResponse))]
[JsonSerializable(typeof(ListShardsRequest))]
[JsonSerializable(typeof(ListShardsResponse))]
[JsonSerializable(typeof(PutRecordRequest))]
[JsonSerializable(typeof(PutRecordResponse))]
[JsonSerializable(typeof(PutRecordsRequest))]
[JsonSerializable(typeof(PutRecordsResponse))]
[JsonSerializable(typeof(GetShardIteratorRequest))]
[JsonSerializable(typeof(GetShardIteratorResponse))]
[JsonSerializable(typeof(GetRecordsRequest))]
[JsonSerializable(typeof(GetRecordsResponse))]
[JsonSerializable(typeof(SplitShardRequest))]
[JsonSerializable(typeof(MergeShardsRequest))]
public sealed partial class KinesisJsonContext : JsonSerializerContext;
