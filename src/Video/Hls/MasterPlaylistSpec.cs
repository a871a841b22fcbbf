namespace Platform.Video.Hls;

/// <summary>The one variant a master playlist announces; see <see cref="HlsPlaylistWriter.WriteMaster"/>.</summary>
/// <param name="PeakBandwidth">Bits per second of the most demanding fragment (<c>BANDWIDTH</c>).</param>
/// <param name="AverageBandwidth">Mean bits per second over the fragments looked at (<c>AVERAGE-BANDWIDTH</c>).</param>
/// <param name="Codecs">The RFC 6381 codecs list (<c>CODECS</c>).</param>
/// <param name="Width">Video width, or 0 when unknown (then no <c>RESOLUTION</c>).</param>
/// <param name="Height">Video height, or 0 when unknown.</param>
/// <param name="MediaPlaylistUri">The media playlist's URI, relative to the master playlist.</param>
public sealed record MasterPlaylistSpec(long PeakBandwidth, long AverageBandwidth, string Codecs, int Width, int Height, string MediaPlaylistUri);
