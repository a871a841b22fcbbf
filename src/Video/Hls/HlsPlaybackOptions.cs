namespace Platform.Video.Hls;

/// <summary>HLS playback settings, bound from <c>Platform:Video:Playback</c> and validated at start-up.</summary>
public sealed class HlsPlaybackOptions
{
    public const string Section = "Platform:Video:Playback";

    /// <summary>
    /// Serve <c>/hls/{stream}/live.m3u8</c>, its init segments and fragments without a session token (default true, the
    /// local first-run configuration). Set false to require <c>GetHLSStreamingSessionURL</c> for all playback.
    /// </summary>
    public bool AllowUnsignedPlayback { get; set; } = true;

    /// <summary>Fragments in the unsigned live playlist's sliding window (default 5, 1–5000).</summary>
    public int UnsignedLiveFragments { get; set; } = 5;

    /// <summary>How long a live or live-replay playlist is served from the output cache (default 100 ms, 50–10,000):
    /// short enough that a new fragment is listed within fragment duration + 150 ms, long enough to collapse a crowd.</summary>
    public int LivePlaylistCacheMilliseconds { get; set; } = 100;

    /// <summary>How long an on-demand playlist is served from the output cache (default 30 s, 1–3600).</summary>
    public int OnDemandPlaylistCacheSeconds { get; set; } = 30;

    /// <summary>How long fragments and init segments stay in the output cache (default 60 min, 1–1440); they never change.</summary>
    public int MediaCacheMinutes { get; set; } = 60;

    /// <summary>Memory the output cache may use for playlists, fragments and init segments (default 256 MiB, 16–65536).</summary>
    public int CacheSizeMegabytes { get; set; } = 256;

    /// <summary>
    /// The base URL session URLs and <c>GetDataEndpoint</c> answer with (for example <c>https://video.example.com</c>), when
    /// hosts sit behind a proxy; unset, the request's own scheme and host are used.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Check(errors, UnsignedLiveFragments, 1, HlsSession.MaxFragmentsLimit, nameof(UnsignedLiveFragments));
        Check(errors, LivePlaylistCacheMilliseconds, 50, 10_000, nameof(LivePlaylistCacheMilliseconds));
        Check(errors, OnDemandPlaylistCacheSeconds, 1, 3600, nameof(OnDemandPlaylistCacheSeconds));
        Check(errors, MediaCacheMinutes, 1, 1440, nameof(MediaCacheMinutes));
        Check(errors, CacheSizeMegabytes, 16, 65_536, nameof(CacheSizeMegabytes));
        if (PublicBaseUrl is not null && (!Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{Section}:{nameof(PublicBaseUrl)} must be an absolute http or https URL, not '{PublicBaseUrl}'.");
        }

        return errors;
    }

    private static void Check(List<string> errors, int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"{Section}:{name} must be {min} to {max}, not {value}.");
        }
    }
}
