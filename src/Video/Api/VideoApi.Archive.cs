using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Platform.Video.Hls;
using Platform.Video.Store;

namespace Platform.Video.Api;

public static partial class VideoApi
{
    private const int DefaultListFragments = 100;
    private const int MaxListFragments = 1000;
    private static readonly TimeSpan LiveRecency = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxOnDemandRange = TimeSpan.FromHours(24);

    private static readonly string[] ApiNames =
    [
        "PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL",
        "GET_DASH_STREAMING_SESSION_URL", "GET_CLIP", "GET_IMAGES",
    ];

    private static async Task GetDataEndpointAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.GetDataEndpointRequest);
        var apiName = request.APIName ?? throw VideoApiException.Missing("APIName");
        if (!ApiNames.Contains(apiName, StringComparer.Ordinal))
        {
            throw VideoApiException.Invalid($"APIName '{apiName}' must be one of {string.Join(", ", ApiNames)}.");
        }

        await ResolveStreamAsync(context, request.StreamName, request.StreamARN, cancellationToken);
        await WriteAsync(context, new GetDataEndpointResponse(BaseUrl(context)), VideoApiJson.Default.GetDataEndpointResponse, cancellationToken);
    }

    private static async Task ListFragmentsAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.ListFragmentsRequest);
        var stream = (await ResolveStreamAsync(context, request.StreamName, request.StreamARN, cancellationToken)).Name;
        var max = (int)CheckRange(request.MaxResults, DefaultListFragments, 1, MaxListFragments, "MaxResults");
        FragmentTimestampType type;
        DateTimeOffset from, to;
        long afterNumber = -1;
        if (request.NextToken is not null)
        {
            (type, from, to, afterNumber) = DecodeListToken(request.NextToken);
        }
        else
        {
            var selector = request.FragmentSelector ?? throw VideoApiException.Missing("FragmentSelector");
            type = ParseSelectorType(selector.FragmentSelectorType ?? throw VideoApiException.Missing("FragmentSelector.FragmentSelectorType"), "FragmentSelector.FragmentSelectorType");
            var range = selector.TimestampRange ?? throw VideoApiException.Missing("FragmentSelector.TimestampRange");
            from = range.StartTimestamp ?? throw VideoApiException.Missing("FragmentSelector.TimestampRange.StartTimestamp");
            to = range.EndTimestamp ?? throw VideoApiException.Missing("FragmentSelector.TimestampRange.EndTimestamp");
            if (to < from)
            {
                throw VideoApiException.Invalid("FragmentSelector.TimestampRange.EndTimestamp must not be before StartTimestamp.");
            }
        }

        // A page resumes at the last fragment's timestamp; fragments sharing it that were already returned are skipped.
        var reader = context.RequestServices.GetRequiredService<IFragmentReader>();
        var listed = await ReadAsync(() => reader.ListAsync(stream, type, from, to, max + 1 + (afterNumber < 0 ? 0 : 16), cancellationToken), stream);
        var page = listed.Where(f => f.Number > afterNumber).Take(max + 1).ToList();
        string? next = null;
        if (page.Count > max)
        {
            page.RemoveAt(page.Count - 1);
            next = EncodeListToken(type, HlsWindow.Timestamp(page[^1], type), to, page[^1].Number);
        }

        var fragments = page.Select(f => new FragmentOut(
            f.Number.ToString(CultureInfo.InvariantCulture), f.Size, f.ProducerTime, f.ServerTime, (long)Math.Round(f.Duration.TotalMilliseconds))).ToList();
        await WriteAsync(context, new ListFragmentsResponse(fragments, next), VideoApiJson.Default.ListFragmentsResponse, cancellationToken);
    }

    private static async Task GetHlsStreamingSessionUrlAsync(HttpContext context, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var request = Parse(body, VideoApiJson.Default.GetHlsStreamingSessionUrlRequest);
        var document = await ResolveStreamAsync(context, request.StreamName, request.StreamARN, cancellationToken);
        var stream = document.Name;
        var mode = (request.PlaybackMode ?? "LIVE") switch
        {
            "LIVE" => HlsPlaybackMode.Live,
            "LIVE_REPLAY" => HlsPlaybackMode.LiveReplay,
            "ON_DEMAND" => HlsPlaybackMode.OnDemand,
            var other => throw VideoApiException.Invalid($"PlaybackMode '{other}' must be LIVE, LIVE_REPLAY or ON_DEMAND."),
        };
        var type = request.HLSFragmentSelector?.FragmentSelectorType is { } selectorType
            ? ParseSelectorType(selectorType, "HLSFragmentSelector.FragmentSelectorType")
            : FragmentTimestampType.ServerTimestamp;
        switch (request.ContainerFormat ?? "FRAGMENTED_MP4")
        {
            case "FRAGMENTED_MP4":
                break;
            case "MPEG_TS":
                throw VideoApiException.Invalid("ContainerFormat MPEG_TS is not supported by this platform; use FRAGMENTED_MP4 (CMAF), which every current HLS player plays.");
            case var other:
                throw VideoApiException.Invalid($"ContainerFormat '{other}' must be FRAGMENTED_MP4 or MPEG_TS.");
        }

        // As Kinesis Video Streams: discontinuities are marked everywhere by default with server timestamps, nowhere with producer timestamps.
        var discontinuity = (request.DiscontinuityMode ?? (type == FragmentTimestampType.ServerTimestamp ? "ALWAYS" : "NEVER")) switch
        {
            "ALWAYS" => HlsDiscontinuityMode.Always,
            "NEVER" => HlsDiscontinuityMode.Never,
            "ON_DISCONTINUITY" => HlsDiscontinuityMode.OnDiscontinuity,
            var other => throw VideoApiException.Invalid($"DiscontinuityMode '{other}' must be ALWAYS, NEVER or ON_DISCONTINUITY."),
        };
        var display = (request.DisplayFragmentTimestamp ?? "NEVER") switch
        {
            "ALWAYS" => true,
            "NEVER" => false,
            var other => throw VideoApiException.Invalid($"DisplayFragmentTimestamp '{other}' must be ALWAYS or NEVER."),
        };
        var expires = CheckRange(request.Expires, 300, 300, 43_200, "Expires");
        var maxFragments = (int)CheckRange(request.MaxMediaPlaylistFragmentResults, mode == HlsPlaybackMode.OnDemand ? 1000 : 5, 1, HlsSession.MaxFragmentsLimit, "MaxMediaPlaylistFragmentResults");

        DateTimeOffset? start = null, end = null;
        if (mode != HlsPlaybackMode.Live)
        {
            var range = request.HLSFragmentSelector?.TimestampRange;
            start = range?.StartTimestamp ?? throw VideoApiException.Missing($"HLSFragmentSelector.TimestampRange.StartTimestamp (for {request.PlaybackMode})");
            end = range.EndTimestamp;
            if (mode == HlsPlaybackMode.OnDemand && end is null)
            {
                throw VideoApiException.Missing("HLSFragmentSelector.TimestampRange.EndTimestamp (for ON_DEMAND)");
            }

            if (end <= start)
            {
                throw VideoApiException.Invalid("HLSFragmentSelector.TimestampRange.EndTimestamp must be after StartTimestamp.");
            }

            if (mode == HlsPlaybackMode.OnDemand && end - start > MaxOnDemandRange)
            {
                throw VideoApiException.Invalid("An ON_DEMAND time range may span at most 24 hours.");
            }
        }

        if (mode != HlsPlaybackMode.Live && document.RetentionHours == 0)
        {
            throw new VideoApiException(VideoApiException.NoDataRetention, $"Stream {stream} keeps no footage (DataRetentionInHours is 0), so only LIVE playback is possible.", 400);
        }

        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var reader = context.RequestServices.GetRequiredService<IFragmentReader>();
        if (mode == HlsPlaybackMode.Live)
        {
            var latest = await ReadAsync(() => reader.LatestAsync(stream, 1, cancellationToken), stream);
            if (latest.Count == 0 || latest[0].ServerTime + latest[0].Duration < now - LiveRecency)
            {
                throw VideoApiException.NotFound($"Stream {stream} has no fragments from the last {LiveRecency.TotalSeconds} seconds to play live.");
            }
        }
        else
        {
            var first = await ReadAsync(() => reader.ListAsync(stream, type, start!.Value, end ?? DateTimeOffset.MaxValue, 1, cancellationToken), stream);
            if (first.Count == 0 && mode == HlsPlaybackMode.OnDemand)
            {
                throw VideoApiException.NotFound($"Stream {stream} has no fragments between {start:O} and {end:O}.");
            }
        }

        var session = new HlsSession(stream, mode, type, start, end, discontinuity, display, maxFragments, now, now.AddSeconds(expires));
        var token = context.RequestServices.GetRequiredService<HlsSessionTokens>().Create(session);
        var url = $"{BaseUrl(context)}/hls/{Uri.EscapeDataString(stream)}/master.m3u8?{HlsAccess.TokenQueryKey}={token}";
        await WriteAsync(context, new GetHlsStreamingSessionUrlResponse(url), VideoApiJson.Default.GetHlsStreamingSessionUrlResponse, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(Func<ValueTask<T>> read, string stream)
    {
        try
        {
            return await read();
        }
        catch (KeyNotFoundException)
        {
            throw VideoApiException.NotFound($"The stream {stream} does not exist.");
        }
    }

    private static FragmentTimestampType ParseSelectorType(string value, string member) => value switch
    {
        "PRODUCER_TIMESTAMP" => FragmentTimestampType.ProducerTimestamp,
        "SERVER_TIMESTAMP" => FragmentTimestampType.ServerTimestamp,
        _ => throw VideoApiException.Invalid($"{member} '{value}' must be PRODUCER_TIMESTAMP or SERVER_TIMESTAMP."),
    };

    private static long CheckRange(long? value, long fallback, long min, long max, string member)
    {
        var v = value ?? fallback;
        return v >= min && v <= max ? v : throw VideoApiException.Invalid($"{member} must be {min} to {max}, not {v}.");
    }

    private static string EncodeListToken(FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to, long afterNumber) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1|{(int)type}|{from.ToUnixTimeMilliseconds()}|{to.ToUnixTimeMilliseconds()}|{afterNumber}")));

    private static (FragmentTimestampType Type, DateTimeOffset From, DateTimeOffset To, long AfterNumber) DecodeListToken(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Length <= 256 ? token : throw new FormatException())).Split('|');
            if (parts is ["1", var type, var from, var to, var after] && type is "0" or "1")
            {
                return ((FragmentTimestampType)int.Parse(type, CultureInfo.InvariantCulture),
                    DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(from, CultureInfo.InvariantCulture)),
                    DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(to, CultureInfo.InvariantCulture)),
                    long.Parse(after, CultureInfo.InvariantCulture));
            }
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            // Reported below.
        }

        throw VideoApiException.Invalid("NextToken is not one this API returned.");
    }
}
