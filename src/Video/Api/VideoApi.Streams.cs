using Microsoft.AspNetCore.Http;

namespace Platform.Video.Api;

public static partial class VideoApi
{
    private static Task DispatchAsync(HttpContext context, string operation, ReadOnlyMemory<byte> body, CancellationToken cancellationToken) => operation switch
    {
        "getDataEndpoint" => GetDataEndpointAsync(context, body, cancellationToken),
        "listFragments" => ListFragmentsAsync(context, body, cancellationToken),
        "getHLSStreamingSessionURL" => GetHlsStreamingSessionUrlAsync(context, body, cancellationToken),
        _ => throw new VideoApiException(VideoApiException.InvalidArgument, $"{operation} needs the stream catalog.", 501),
    };

    private static Task<string> ResolveStreamAsync(HttpContext context, string? name, string? arn, CancellationToken cancellationToken)
    {
        _ = context;
        _ = cancellationToken;
        if (name is null && arn is null)
        {
            throw VideoApiException.Invalid("StreamName or StreamARN is required.");
        }

        return Task.FromResult(name ?? arn![(arn!.IndexOf(":stream/", StringComparison.Ordinal) + 8)..arn.LastIndexOf('/')]);
    }
}
