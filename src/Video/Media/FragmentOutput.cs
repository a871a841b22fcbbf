namespace Platform.Video.Media;

/// <summary>What the fragmenter emits: an init segment whenever the decoder set-up changes, and media fragments.</summary>
public abstract record FragmentOutput;

/// <summary>
/// A CMAF header (<c>ftyp</c> + <c>moov</c>) for one set of track configurations. Fragments name the init segment that
/// decodes them by <see cref="Id"/>, which increases within a publish session.
/// </summary>
/// <param name="Id">Increasing per publish session, starting at 0.</param>
/// <param name="Data">The bytes of the init segment.</param>
/// <param name="Codecs">The RFC 6381 codecs list for HLS <c>CODECS</c> (for example <c>avc1.64001f,mp4a.40.2</c>).</param>
/// <param name="Width">Video width (0 when there is no video track).</param>
/// <param name="Height">Video height (0 when there is no video track).</param>
public sealed record InitSegment(int Id, ReadOnlyMemory<byte> Data, string Codecs, int Width, int Height) : FragmentOutput;

/// <summary>One CMAF fragment (<c>moof</c> + <c>mdat</c>, every track of the session), starting at a video keyframe.</summary>
/// <param name="InitSegmentId">The <see cref="InitSegment.Id"/> that decodes it.</param>
/// <param name="Data">The bytes of the fragment.</param>
/// <param name="MediaStart">Decode time of its first sample on the session's media timeline.</param>
/// <param name="Duration">How long it plays.</param>
/// <param name="ProducerTime">The producer's wall-clock time of its first sample.</param>
/// <param name="Discontinuity">True for the first fragment after a new init segment (a codec configuration change).</param>
public sealed record MediaFragment(
    int InitSegmentId,
    ReadOnlyMemory<byte> Data,
    TimeSpan MediaStart,
    TimeSpan Duration,
    DateTimeOffset ProducerTime,
    bool Discontinuity) : FragmentOutput;
