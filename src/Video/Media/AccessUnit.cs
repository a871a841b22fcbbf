namespace Platform.Video.Media;

/// <summary>
/// One decodable unit of one track (a video frame or an audio frame), the common currency of every ingest
/// protocol: storage and playback never learn where media came from.
/// </summary>
/// <param name="Track">Which track of the publish session it belongs to.</param>
/// <param name="Dts">Decode timestamp in the track's <see cref="TrackConfig.Timescale"/>, non-decreasing within a track.</param>
/// <param name="Pts">Presentation timestamp in the same timescale (Pts - Dts is the composition offset; equal for audio).</param>
/// <param name="IsKeyframe">True for an IDR frame (video) and for every audio frame.</param>
/// <param name="Data">The payload (see <see cref="MediaCodec"/> for its layout). Borrowed: it is valid only during the call
/// the unit is passed to (a producer may reuse the buffer as soon as that call completes, as RTMP does with its pooled
/// message buffers); a consumer that keeps the bytes beyond the call copies them (the fragmenter does).</param>
/// <param name="ProducerTime">Wall-clock time the producer stamped on this unit when the protocol carries one (RTCP sender
/// reports); null when it does not (RTMP), and the pipeline derives it from the session start.</param>
public sealed record AccessUnit(
    TrackKind Track,
    long Dts,
    long Pts,
    bool IsKeyframe,
    ReadOnlyMemory<byte> Data,
    DateTimeOffset? ProducerTime = null);
