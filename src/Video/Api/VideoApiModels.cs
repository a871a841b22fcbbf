using System.Text.Json.Serialization;
using Platform.Streams.Client.Protocol;

namespace Platform.Video.Api;

// Wire shapes of the Kinesis Video Streams REST-JSON API: field names exactly as AWS spells them, timestamps as epoch
// seconds. Requests are classes with nullable members, so a missing field is seen and named in the 400.

internal sealed class StreamRefRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }
}

internal sealed class GetDataEndpointRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? APIName { get; set; }
}

internal sealed record GetDataEndpointResponse(string DataEndpoint);

internal sealed class TimestampRangeIn
{
    public DateTimeOffset? StartTimestamp { get; set; }

    public DateTimeOffset? EndTimestamp { get; set; }
}

internal sealed class FragmentSelectorIn
{
    public string? FragmentSelectorType { get; set; }

    public TimestampRangeIn? TimestampRange { get; set; }
}

internal sealed class ListFragmentsRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public long? MaxResults { get; set; }

    public string? NextToken { get; set; }

    public FragmentSelectorIn? FragmentSelector { get; set; }
}

internal sealed record FragmentOut(string FragmentNumber, long FragmentSizeInBytes, DateTimeOffset ProducerTimestamp, DateTimeOffset ServerTimestamp, long FragmentLengthInMilliseconds);

internal sealed record ListFragmentsResponse(IReadOnlyList<FragmentOut> Fragments, string? NextToken);

internal sealed class HlsFragmentSelectorIn
{
    public string? FragmentSelectorType { get; set; }

    public TimestampRangeIn? TimestampRange { get; set; }
}

internal sealed class GetHlsStreamingSessionUrlRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? PlaybackMode { get; set; }

    public HlsFragmentSelectorIn? HLSFragmentSelector { get; set; }

    public string? ContainerFormat { get; set; }

    public string? DiscontinuityMode { get; set; }

    public string? DisplayFragmentTimestamp { get; set; }

    public long? Expires { get; set; }

    public long? MaxMediaPlaylistFragmentResults { get; set; }
}

internal sealed record GetHlsStreamingSessionUrlResponse(string HLSStreamingSessionURL);

internal sealed class CreateStreamRequest
{
    public string? StreamName { get; set; }

    public string? DeviceName { get; set; }

    public string? MediaType { get; set; }

    public string? KmsKeyId { get; set; }

    public long? DataRetentionInHours { get; set; }

    public Dictionary<string, string>? Tags { get; set; }

    /// <summary>Platform extension (not in AWS's API): age in seconds after which fragments move to the warm tier.</summary>
    public long? WarmAfterSeconds { get; set; }

    /// <summary>Platform extension: the key RTMP publishers must present.</summary>
    public string? PublishKey { get; set; }
}

internal sealed record CreateStreamResponse(string StreamARN);

internal sealed record StreamInfoOut(
    string StreamName,
    string StreamARN,
    string Status,
    DateTimeOffset CreationTime,
    int DataRetentionInHours,
    string Version,
    string? MediaType,
    string? DeviceName,
    long WarmAfterSeconds,
    bool IsLive);

internal sealed record DescribeStreamResponse(StreamInfoOut StreamInfo);

internal sealed class StreamNameConditionIn
{
    public string? ComparisonOperator { get; set; }

    public string? ComparisonValue { get; set; }
}

internal sealed class ListStreamsRequest
{
    public long? MaxResults { get; set; }

    public string? NextToken { get; set; }

    public StreamNameConditionIn? StreamNameCondition { get; set; }
}

internal sealed record ListStreamsResponse(IReadOnlyList<StreamInfoOut> StreamInfoList, string? NextToken);

internal sealed class DeleteStreamRequest
{
    public string? StreamARN { get; set; }

    public string? CurrentVersion { get; set; }
}

internal sealed class UpdateDataRetentionRequest
{
    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    public string? CurrentVersion { get; set; }

    public string? Operation { get; set; }

    public long? DataRetentionChangeInHours { get; set; }
}

internal sealed record ErrorOut(string Message);

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(EpochSecondsConverter)])]
[JsonSerializable(typeof(StreamRefRequest))]
[JsonSerializable(typeof(GetDataEndpointRequest))]
[JsonSerializable(typeof(GetDataEndpointResponse))]
[JsonSerializable(typeof(ListFragmentsRequest))]
[JsonSerializable(typeof(ListFragmentsResponse))]
[JsonSerializable(typeof(GetHlsStreamingSessionUrlRequest))]
[JsonSerializable(typeof(GetHlsStreamingSessionUrlResponse))]
[JsonSerializable(typeof(ErrorOut))]
[JsonSerializable(typeof(CreateStreamRequest))]
[JsonSerializable(typeof(CreateStreamResponse))]
[JsonSerializable(typeof(DescribeStreamResponse))]
[JsonSerializable(typeof(ListStreamsRequest))]
[JsonSerializable(typeof(ListStreamsResponse))]
[JsonSerializable(typeof(DeleteStreamRequest))]
[JsonSerializable(typeof(UpdateDataRetentionRequest))]
internal sealed partial class VideoApiJson : JsonSerializerContext;
