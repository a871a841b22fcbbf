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
        var carried = new List<AccessUnit>?[2];
        TimeSpan? start = null;
        var end = TimeSpan.Zero;
        DateTimeOffset? producerTime = null;

        if (_initPending && HasBufferedSamples)
        {
            EmitInitSegment(output);
        }

        for (var t = 0; t < _initTrackCount; t++)
        {
            var track = _tracks[(int)_initTracks[t]];
            if (track is null || track.Pending.Count == 0)
            {
                continue;
            }

            var pending = track.Pending;
            var count = pending.Count;
            if (splitAt is { } split)
            {
                var firstCarried = pending.FindIndex(u => track.TimeOf(u.Dts) >= split);
                if (firstCarried >= 0)
                {
                    carried[(int)_initTracks[t]] = pending.GetRange(firstCarried, count - firstCarried);
                    count = firstCarried;
                }
            }

            if (count == 0)
            {
                continue;
            }

            long? successorDts = next is { } n && n.Track == _initTracks[t] ? n.Dts : carried[(int)_initTracks[t]]?[0].Dts;
            var samples = new FragmentSample[count];
            for (var i = 0; i < count; i++)
            {
                var unit = pending[i];
                long duration;
                if (i + 1 < count)
                {
                    duration = pending[i + 1].Dts - unit.Dts;
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

                samples[i] = new FragmentSample(
                    (uint)duration, (int)(unit.Pts - unit.Dts), unit.IsKeyframe || track.Config.Kind == TrackKind.Audio, unit.Data);
            }

            track.LastDuration = samples[^1].Duration;
            fragments.Add(new TrackFragment(t + 1, (ulong)pending[0].Dts, samples));

            var first = track.TimeOf(pending[0].Dts);
            if (start is null || first < start)
            {
                start = first;
                producerTime = pending[0].ProducerTime;
            }

            var trackEnd = track.TimeOf(pending[count - 1].Dts + samples[^1].Duration);
            end = trackEnd > end ? trackEnd : end;
        }

        ClearBuffers(carried);
        if (start is not { } mediaStart)
        {
            return;
        }

        var data = FragmentWriter.Write(++_sequenceNumber, fragments);
        output.Add(new MediaFragment(
            _initId,
            data,
            mediaStart,
            end - mediaStart,
            producerTime ?? _sessionStart + (mediaStart - (_mediaOrigin ?? mediaStart)),
            _discontinuity));
        _discontinuity = false;
    }

    private void ClearBuffers(List<AccessUnit>?[] carried)
    {
        _bufferedBytes = 0;
        for (var k = 0; k < _tracks.Length; k++)
        {
            var track = _tracks[k];
            if (track is null)
            {
                continue;
            }

            track.Pending.Clear();
            if (carried[k] is { } rest)
            {
                track.Pending.AddRange(rest);
                foreach (var unit in rest)
                {
                    _bufferedBytes += unit.Data.Length;
                }
            }
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
