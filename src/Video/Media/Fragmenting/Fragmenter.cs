using Platform.Video.Media.Aac;
using Platform.Video.Media.Mp4;

namespace Platform.Video.Media.Fragmenting;

/// <summary>
/// Turns a publish session's access units into CMAF output: an init segment per set of track configurations and
/// <c>moof</c>+<c>mdat</c> fragments that start at video keyframes and hold every track's samples for their time span.
/// Not thread-safe: one publish session drives it. The cutting rules are described in docs/video-media.md.
/// </summary>
public sealed partial class Fragmenter
{
    // Audio timestamps from RTP/RTMP can wobble by a frame; going back this little is clamped, not rejected.
    private static readonly TimeSpan AudioJitterTolerance = TimeSpan.FromMilliseconds(20);

    private readonly FragmenterOptions _options;
    private readonly DateTimeOffset _sessionStart;
    private readonly TrackBuffer?[] _tracks = new TrackBuffer?[2];
    private readonly TrackKind[] _initTracks = new TrackKind[2];
    private int _initTrackCount;
    private int _initId = -1;
    private bool _initPending = true;
    private bool _discontinuity;
    private uint _sequenceNumber;
    private bool _waitingForKeyframe = true;
    private TimeSpan? _mediaOrigin;

    /// <summary>Creates a fragmenter for one publish session.</summary>
    /// <param name="options">Cutting settings; validated here.</param>
    /// <param name="sessionStart">Wall-clock start of the session, for producer timestamps when units carry none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public Fragmenter(FragmenterOptions options, DateTimeOffset sessionStart)
    {
        options.Validate();
        _options = options;
        _sessionStart = sessionStart;
    }

    /// <summary>Video frames dropped because they came before a keyframe (stream start, codec change, hard cap).</summary>
    public long DroppedVideoFrames { get; private set; }

    /// <summary>Fragments emitted so far.</summary>
    public long FragmentCount => _sequenceNumber;

    /// <summary>
    /// Declares or replaces a track's configuration. A real change (<see cref="TrackConfig.SameDecoderSetup"/> false)
    /// flushes the fragment in progress into <paramref name="output"/>; the next fragment then comes after a new
    /// <see cref="InitSegment"/> and is marked as a discontinuity (unless nothing was emitted yet).
    /// </summary>
    /// <param name="config">The track's configuration.</param>
    /// <param name="output">Receives the flushed fragment, if any.</param>
    /// <exception cref="InvalidDataException">The codec private data is malformed or does not match the kind.</exception>
    public void SetTrack(TrackConfig config, ICollection<FragmentOutput> output)
    {
        var defaultDuration = ValidateConfig(config);
        var existing = _tracks[(int)config.Kind];
        if (existing is not null && existing.Config.SameDecoderSetup(config))
        {
            return;
        }

        Cut(output, next: null, splitAt: null);
        _initPending = true;
        _discontinuity = _initId >= 0;
        if (existing is null)
        {
            _tracks[(int)config.Kind] = new TrackBuffer(config, defaultDuration);
        }
        else
        {
            existing.Config = config;
            existing.DefaultDuration = defaultDuration;
            existing.LastDuration = null;
        }

        // The new init segment resets the player's decoders, so video resumes only at an IDR (for an audio change
        // too: the first fragment of an init must not start mid-GOP).
        _waitingForKeyframe = true;
    }

    /// <summary>
    /// Buffers an access unit. When it is a video keyframe and the buffered fragment is at least the target duration
    /// (or, audio only, the buffered audio is), the buffered fragment is emitted first, preceded by the init segment
    /// when it is the first fragment of a configuration.
    /// </summary>
    /// <param name="unit">The access unit; its data is copied before this returns, so the caller may reuse its buffer.</param>
    /// <param name="output">Receives emitted init segments and fragments.</param>
    /// <exception cref="InvalidDataException">The track has no configuration, or its DTS went backwards.</exception>
    public void Add(AccessUnit unit, ICollection<FragmentOutput> output)
    {
        var track = _tracks[(int)unit.Track]
            ?? throw new InvalidDataException($"An access unit for the {unit.Track} track arrived before the track's configuration.");
        unit = CheckTimestamps(track, unit);
        track.LastDts = unit.Dts;
        var time = track.TimeOf(unit.Dts);
        _mediaOrigin ??= time;
        var isVideo = unit.Track == TrackKind.Video;

        if (isVideo && _waitingForKeyframe)
        {
            if (!unit.IsKeyframe)
            {
                DroppedVideoFrames++;
                return;
            }

            _waitingForKeyframe = false;
            StartAtFirstKeyframe(time, output);
        }
        else if (isVideo && unit.IsKeyframe && BufferedDuration(time) >= _options.TargetDuration)
        {
            Cut(output, unit, splitAt: time);
        }
        else if (!HasVideo && BufferedDuration(time) >= _options.TargetDuration)
        {
            Cut(output, unit, splitAt: null);
        }

        if (HasBufferedSamples &&
            (BufferedDuration(time) >= _options.MaxDuration || BufferedBytes + unit.Data.Length > _options.MaxFragmentBytes))
        {
            Cut(output, unit, splitAt: null);
            if (HasVideo && !(isVideo && unit.IsKeyframe))
            {
                _waitingForKeyframe = true;
                if (isVideo)
                {
                    DroppedVideoFrames++;
                    return;
                }
            }
        }

        track.Add(unit);
    }

    /// <summary>Emits whatever is buffered (end of publish). Later units start a new fragment at the next keyframe.</summary>
    /// <param name="output">Receives the init segment (if not yet emitted) and the last fragment.</param>
    public void Flush(ICollection<FragmentOutput> output)
    {
        Cut(output, next: null, splitAt: null);
        _waitingForKeyframe = true;
    }

    internal static TimeSpan ToTime(long ticks, int timescale) =>
        TimeSpan.FromTicks((long)((Int128)ticks * TimeSpan.TicksPerSecond / timescale));

    private bool HasVideo => _tracks[(int)TrackKind.Video] is not null;

    private bool HasBufferedSamples => _tracks[0]?.Count > 0 || _tracks[1]?.Count > 0;

    private long BufferedBytes => (long)(_tracks[0]?.BufferedBytes ?? 0) + (_tracks[1]?.BufferedBytes ?? 0);

    private static long ValidateConfig(TrackConfig config)
    {
        var expectedKind = config.Codec == MediaCodec.H264 ? TrackKind.Video : TrackKind.Audio;
        if (config.Kind != expectedKind)
        {
            throw new InvalidDataException($"A {config.Codec} track must be a {expectedKind} track, not {config.Kind}.");
        }

        if (config.Timescale <= 0)
        {
            throw new InvalidDataException($"The {config.Kind} track's timescale must be positive (got {config.Timescale}).");
        }

        // Fails on malformed avcC / AudioSpecificConfig now rather than when the init segment is written.
        _ = CodecStrings.For(config);
        if (config.Kind == TrackKind.Video)
        {
            _ = InitSegmentWriter.VideoSize(config);
        }

        return config.Codec switch
        {
            MediaCodec.Aac => AudioSpecificConfig.Parse(config.CodecPrivate.Span).FrameLength,
            MediaCodec.Opus => Math.Max(config.Timescale / 50, 1), // 20 ms, the usual WebRTC packet
            _ => Math.Max(config.Timescale / 30, 1),
        };
    }

    private static AccessUnit CheckTimestamps(TrackBuffer track, AccessUnit unit)
    {
        if (unit.Dts < 0)
        {
            throw new InvalidDataException($"The {unit.Track} track's DTS {unit.Dts} is negative.");
        }

        if (track.LastDts is { } last && unit.Dts < last)
        {
            var back = track.TimeOf(last - unit.Dts);
            if (unit.Track != TrackKind.Audio || back > AudioJitterTolerance)
            {
                throw new InvalidDataException(
                    $"The {unit.Track} track's DTS went backwards from {last} to {unit.Dts} (timescale {track.Config.Timescale}).");
            }

            unit = unit with { Dts = last, Pts = unit.Pts + (last - unit.Dts) };
        }

        var offset = unit.Pts - unit.Dts;
        if (offset is < int.MinValue or > int.MaxValue)
        {
            throw new InvalidDataException($"The {unit.Track} track's PTS {unit.Pts} is too far from its DTS {unit.Dts}.");
        }

        return unit;
    }

    private TimeSpan BufferedDuration(TimeSpan now)
    {
        TimeSpan? start = null;
        foreach (var track in _tracks)
        {
            if (track?.Count > 0)
            {
                var first = track.TimeOf(track[0].Dts);
                start = start is null || first < start ? first : start;
            }
        }

        return start is { } s ? now - s : TimeSpan.Zero;
    }

    private void StartAtFirstKeyframe(TimeSpan keyframeTime, ICollection<FragmentOutput> output)
    {
        var audio = _tracks[(int)TrackKind.Audio];
        if (audio is null || audio.Count == 0)
        {
            return;
        }

        // Audio that arrived while video waited for a keyframe: at the start of the session a short stretch is dropped
        // so the first fragment starts at the keyframe with both tracks; a long stretch, or any later on (codec
        // change, hard cap), is kept as an audio-only fragment rather than lost.
        if (_sequenceNumber == 0 && BufferedDuration(keyframeTime) < _options.TargetDuration)
        {
            var keep = audio.FindFirstAtOrAfter(keyframeTime);
            audio.KeepFrom(keep < 0 ? audio.Count : keep);
            return;
        }

        Cut(output, next: null, splitAt: keyframeTime);
    }
}
