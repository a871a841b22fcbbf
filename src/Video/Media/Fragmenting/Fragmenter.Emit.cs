using Platform.Video.Media.Mp4;

namespace Platform.Video.Media.Fragmenting;

public sealed partial class Fragmenter
{
    /// <summary>
    /// Emits the buffered samples as one fragment. <paramref name="next"/> is the unit that caused the cut (its DTS
    /// ends its track's last sample); with <paramref name="splitAt"/>, samples at or after that time stay buffered
    /// for the next fragment so tracks stay aligned to the keyframe.
    /// </summary>
    private void Cut(ICollection<FragmentOutput> output, AccessUnit? next, TimeSpan? splitAt)
    {
        var fragments = new List<TrackFragment>(2);
        Span<int> keepFrom = [int.MaxValue, int.MaxValue];
        TimeSpan? start = null;
        var end = TimeSpan.Zero;
        DateTimeOffset? producerTime = null;

        if (_initPending && HasBufferedSamples)
        {
            EmitInitSegment(output);
        }

        for (var t = 0; t < _initTrackCount; t++)
        {
            var kind = (int)_initTracks[t];
            var track = _tracks[kind];
            if (track is null || track.Count == 0)
            {
                continue;
            }

            var count = track.Count;
            if (splitAt is { } split)
            {
                var firstCarried = track.FindFirstAtOrAfter(split);
                if (firstCarried >= 0)
                {
                    keepFrom[kind] = firstCarried;
                    count = firstCarried;
                }
            }

            if (count == 0)
            {
                continue;
            }

            long? successorDts = next is { } n && n.Track == _initTracks[t] ? n.Dts : keepFrom[kind] < track.Count ? track[keepFrom[kind]].Dts : null;
            var samples = new FragmentSample[count];
            for (var i = 0; i < count; i++)
            {
                var unit = track[i];
                long duration;
                if (i + 1 < count)
                {
                    duration = track[i + 1].Dts - unit.Dts;
                }
                else if (successorDts is { } s && track.TimeOf(s - unit.Dts) <= _options.MaxDuration)
                {
                    duration = s - unit.Dts;
                }
                else
                {
                    // No successor yet (or a timestamp jump): repeat the previous duration; the next fragment's tfdt
                    // carries the true time either way.
                    duration = i > 0 ? samples[i - 1].Duration : track.LastDuration ?? track.DefaultDuration;
                }

                // The sample data points into the track's buffer: valid until ClearBuffers below, after the write.
                samples[i] = new FragmentSample(
                    (uint)duration, (int)(unit.Pts - unit.Dts), unit.IsKeyframe || track.Config.Kind == TrackKind.Audio, track.DataOf(unit));
            }

            track.LastDuration = samples[^1].Duration;
            fragments.Add(new TrackFragment(t + 1, (ulong)track[0].Dts, samples));

            var first = track.TimeOf(track[0].Dts);
            if (start is null || first < start)
            {
                start = first;
                producerTime = track[0].ProducerTime;
            }

            var trackEnd = track.TimeOf(track[count - 1].Dts + samples[^1].Duration);
            end = trackEnd > end ? trackEnd : end;
        }

        if (start is not { } mediaStart)
        {
            ClearBuffers(keepFrom);
            return;
        }

        var data = FragmentWriter.Write(++_sequenceNumber, fragments);
        ClearBuffers(keepFrom);
        output.Add(new MediaFragment(
            _initId,
            data,
            mediaStart,
            end - mediaStart,
            producerTime ?? _sessionStart + (mediaStart - (_mediaOrigin ?? mediaStart)),
            _discontinuity));
        _discontinuity = false;
    }

    /// <summary>Empties every track's buffer except, per track, the samples from the given index on (carried to the next fragment).</summary>
    private void ClearBuffers(ReadOnlySpan<int> keepFrom)
    {
        for (var k = 0; k < _tracks.Length; k++)
        {
            _tracks[k]?.KeepFrom(keepFrom[k]);
        }
    }

    private void EmitInitSegment(ICollection<FragmentOutput> output)
    {
        var configs = new List<TrackConfig>(2);
        _initTrackCount = 0;
        foreach (var kind in (ReadOnlySpan<TrackKind>)[TrackKind.Video, TrackKind.Audio])
        {
            if (_tracks[(int)kind] is { } track)
            {
                _initTracks[_initTrackCount++] = kind;
                configs.Add(track.Config);
            }
        }

        var video = _tracks[(int)TrackKind.Video];
        var (width, height) = video is null ? (0, 0) : InitSegmentWriter.VideoSize(video.Config);
        output.Add(new InitSegment(++_initId, InitSegmentWriter.Write(configs), CodecStrings.Join(configs), width, height));
        _initPending = false;
    }
}
