namespace Platform.Video.Hls;

/// <summary>
/// How a playlist names the resources it lists, relative to the playlist's own URL so the host's base path does not
/// matter: <c>{InitPrefix}{key}.mp4{Query}</c> and <c>{FragmentPrefix}{number}.m4s{Query}</c>.
/// </summary>
/// <param name="InitPrefix">Prefix of init segment URIs (for example <c>init/</c>).</param>
/// <param name="FragmentPrefix">Prefix of fragment URIs (for example <c>fragments/</c>).</param>
/// <param name="Query">Appended to every URI: empty, or <c>?token=…</c> for session URLs.</param>
public sealed record HlsUris(string InitPrefix, string FragmentPrefix, string Query)
{
    /// <summary>The layout the HLS endpoints serve (<c>/hls/{stream}/init/{key}.mp4</c>, <c>/hls/{stream}/fragments/{n}.m4s</c>).</summary>
    public static HlsUris ForToken(string? token) =>
        new("init/", "fragments/", token is null ? string.Empty : "?token=" + token);

    public string Init(string initSegmentKey) => InitPrefix + Uri.EscapeDataString(initSegmentKey) + ".mp4" + Query;

    public string Fragment(long number) => FragmentPrefix + number.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".m4s" + Query;
}
