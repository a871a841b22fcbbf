using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Video.Streams;

namespace Platform.Video.Api;

public static partial class VideoApi
{
    private const int DefaultListStreams = 10_000;

    private static Task DispatchAsync(HttpContext context, string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => operation switch
    {
        "createStream" => CreateStreamAsync(context, body, cancellationToken),
        "describeStream" => DescribeStreamAsync(context, body, cancellationToken),
        "listStreams" => ListStreamsAsync(context, body, cancellationToken),
        "deleteStream" => DeleteStreamAsync(context, body, cancellationToken),
        "updateDataRetention" => UpdateDataRetentionAsync(context, body, cancellationToken),
        "getDataEndpoint" => GetDataEndpointAsync(context, body, cancellationToken),
        "listFragments" => ListFragmentsAsync(context, body, cancellationToken),
        "getHLSStreamingSessionURL" => GetHlsStreamingSessionUrlAsync(context, body, cancellationToken),
        _ => throw VideoApiException.Invalid($"Unknown operation {operation}."),
    };

    private static VideoStreamCatalog Catalog(HttpContext context) => context.RequestServices.GetRequiredService<VideoStreamCatalog>();

    private static async Task CreateStreamAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.CreateStreamRequest);
        var name = request.StreamName ?? throw VideoApiException.Missing("StreamName");
        var retention = request.DataRetentionInHours is { } hours ? (int)CheckRange(hours, 0, 0, VideoStreamLimits.MaxRetentionHours, "DataRetentionInHours") : (int?)null;
        var warmAfter = request.WarmAfterSeconds is { } seconds ? TimeSpan.FromSeconds(CheckRange(seconds, 0, 1, 10L * 365 * 24 * 3600, "WarmAfterSeconds")) : (TimeSpan?)null;
        if (request.Tags is { Count: > 50 })
        {
            throw VideoApiException.Invalid($"Tags may hold at most 50 tags, not {request.Tags.Count}.");
        }

        var arn = await Catalog(context).CreateAsync(new CreateVideoStreamRequest(name)
        {
            DeviceName = request.DeviceName,
            MediaType = request.MediaType,
            DataRetentionInHours = retention,
            WarmAfter = warmAfter,
            PublishKey = request.PublishKey,
            Tags = request.Tags,
        }, cancellationToken);
        await WriteAsync(context, new CreateStreamResponse(arn), VideoApiJson.Default.CreateStreamResponse, cancellationToken);
    }

    private static async Task DescribeStreamAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.StreamRefRequest);
        var info = await Catalog(context).DescribeAsync(request.StreamName, request.StreamARN, cancellationToken);
        await WriteAsync(context, new DescribeStreamResponse(ToOut(info)), VideoApiJson.Default.DescribeStreamResponse, cancellationToken);
    }

    private static async Task ListStreamsAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        // The AWS SDK sends {} for a bare ListStreams; an empty body is taken the same way.
        var request = body.IsEmpty ? new ListStreamsRequest() : Parse(body, VideoApiJson.Default.ListStreamsRequest);
        var max = (int)CheckRange(request.MaxResults, DefaultListStreams, 1, VideoStreamLimits.MaxListResults, "MaxResults");
        string? prefix = null;
        if (request.StreamNameCondition is { } condition)
        {
            if ((condition.ComparisonOperator ?? "BEGINS_WITH") != "BEGINS_WITH")
            {
                throw VideoApiException.Invalid($"StreamNameCondition.ComparisonOperator '{condition.ComparisonOperator}' must be BEGINS_WITH.");
            }

            prefix = condition.ComparisonValue ?? throw VideoApiException.Missing("StreamNameCondition.ComparisonValue");
        }

        var page = await Catalog(context).ListAsync(max, request.NextToken, prefix, cancellationToken);
        await WriteAsync(context, new ListStreamsResponse([.. page.Streams.Select(ToOut)], page.NextToken), VideoApiJson.Default.ListStreamsResponse, cancellationToken);
    }

    private static async Task DeleteStreamAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.DeleteStreamRequest);
        var arn = request.StreamARN ?? throw VideoApiException.Missing("StreamARN");
        await Catalog(context).DeleteAsync(null, arn, request.CurrentVersion, cancellationToken);
        await WriteEmptyAsync(context);
    }

    private static async Task UpdateDataRetentionAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.UpdateDataRetentionRequest);
        var version = request.CurrentVersion ?? throw VideoApiException.Missing("CurrentVersion");
        var operation = (request.Operation ?? throw VideoApiException.Missing("Operation")) switch
        {
            "INCREASE_DATA_RETENTION" => DataRetentionOperation.Increase,
            "DECREASE_DATA_RETENTION" => DataRetentionOperation.Decrease,
            var other => throw VideoApiException.Invalid($"Operation '{other}' must be INCREASE_DATA_RETENTION or DECREASE_DATA_RETENTION."),
        };
        var change = (int)CheckRange(request.DataRetentionChangeInHours ?? throw VideoApiException.Missing("DataRetentionChangeInHours"), 0, 1, VideoStreamLimits.MaxRetentionHours, "DataRetentionChangeInHours");
        await Catalog(context).UpdateDataRetentionAsync(request.StreamName, request.StreamARN, version, operation, change, cancellationToken);
        await WriteEmptyAsync(context);
    }

    /// <summary>The stream a request names (by name or ARN), checked against the catalog.</summary>
    private static async Task<VideoStreamDocument> ResolveStreamAsync(HttpContext context, string? name, string? arn, CancellationToken cancellationToken) =>
        await Catalog(context).ResolveAsync(name, arn, cancellationToken);

    private static StreamInfoOut ToOut(VideoStreamInfo info) => new(
        info.StreamName, info.StreamARN, info.Status, info.CreationTime, info.DataRetentionInHours, info.Version, info.MediaType, info.DeviceName,
        (long)info.WarmAfter.TotalSeconds, info.IsLive);
}
