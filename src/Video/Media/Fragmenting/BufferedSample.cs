namespace Platform.Video.Media.Fragmenting;

/// <summary>A buffered sample: the access unit's timing, and where its bytes are in the track's buffer.</summary>
internal readonly record struct BufferedSample(long Dts, long Pts, bool IsKeyframe, DateTimeOffset? ProducerTime, int Offset, int Length);
