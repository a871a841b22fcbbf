using System.Buffers.Binary;
using Platform.Video.Media;
using Platform.Video.Media.H264;

namespace Platform.Video.Ingest.WebRtc.Rtp;

/// <summary>
/// Rebuilds H.264 access units from RTP payloads in packetization mode 1 (RFC 6184: single NAL unit, STAP-A, FU-A).
/// A frame ends at the marker bit or when the timestamp changes. A frame with a loss inside (a reported gap, a broken
/// fragment, an unsupported packet type) is dropped, and so is everything after it up to the next keyframe, because
/// decoders cannot use frames that reference a damaged one; <see cref="WaitingForKeyframe"/> tells the session to ask
/// the sender for one. SPS and PPS seen in the stream become the track configuration (avcC, width, height).
/// </summary>
public sealed class H264Depacketizer
{
    /// <summary>Bound on one frame's size so a hostile sender cannot make us buffer without limit.</summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    private const int MaxNalUnits = 512;

    private readonly List<byte[]> _nalUnits = [];
    private int _frameBytes;
    private long? _frameTimestamp;
    private bool _damaged;
    private byte[]? _fragment;
    private int _fragmentLength;
    private byte[]? _sps;
    private byte[]? _pps;

    public bool WaitingForKeyframe { get; private set; } = true;

    public TrackConfig? Config { get; private set; }

    /// <summary>Frames dropped because of loss or while waiting for a keyframe.</summary>
    public long DroppedFrames { get; private set; }

    /// <summary>Feeds one packet in sequence order; completed frames are added to <paramref name="output"/>.</summary>
    /// <param name="payload">The RTP payload.</param>
    /// <param name="timestamp">The packet's extended RTP timestamp.</param>
    /// <param name="marker">The RTP marker bit.</param>
    /// <param name="lossBefore">True when packets before this one were lost.</param>
    /// <param name="output">Receives completed frames.</param>
    public void Push(ReadOnlySpan<byte> payload, long timestamp, bool marker, bool lossBefore, List<H264Frame> output)
    {
        if (_frameTimestamp is { } current && current != timestamp)
        {
            // The frame before had no marker (its last packet was lost, or the sender omits markers).
            _damaged |= lossBefore;
            Finish(output);
        }
        else if (lossBefore)
        {
            _damaged = true;
        }

        _frameTimestamp = timestamp;
        Depacketize(payload);
        if (marker)
        {
            Finish(output);
        }
    }

    private void Depacketize(ReadOnlySpan<byte> payload)
    {
        if (payload.Length == 0 || (payload[0] & 0x80) != 0)
        {
            _damaged = true; // forbidden_zero_bit set: the sender marks the unit as corrupt
            return;
        }

        var type = payload[0] & 0x1F;
        switch (type)
        {
            case >= 1 and <= 23:
                AbortFragment();
                AddNalUnit(payload);
                break;
            case (int)NalUnitType.StapA:
                AbortFragment();
                var rest = payload[1..];
                while (rest.Length > 0)
                {
                    if (rest.Length < 2)
                    {
                        _damaged = true;
                        return;
                    }

                    int size = BinaryPrimitives.ReadUInt16BigEndian(rest);
                    if (size == 0 || rest.Length - 2 < size)
                    {
                        _damaged = true;
                        return;
                    }

                    AddNalUnit(rest.Slice(2, size));
                    rest = rest[(2 + size)..];
                }

                break;
            case (int)NalUnitType.FuA:
                AddFragment(payload);
                break;
            default:
                // STAP-B, MTAP and FU-B belong to interleaved mode, which the answer never offers.
                _damaged = true;
                break;
        }
    }

    private void AddFragment(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 3)
        {
            _damaged = true;
            return;
        }

        var header = payload[1];
        var start = (header & 0x80) != 0;
        var end = (header & 0x40) != 0;
        var data = payload[2..];
        if (start)
        {
            if (_fragment is not null)
            {
                _damaged = true; // the previous fragmented unit never ended
            }

            _fragment = new byte[Math.Min(MaxFrameBytes, Math.Max(1024, data.Length * 8))];
            _fragment[0] = (byte)((payload[0] & 0xE0) | (header & 0x1F));
            _fragmentLength = 1;
        }
        else if (_fragment is null)
        {
            _damaged = true; // a middle or end piece without its start
            return;
        }

        if (_fragmentLength + data.Length > MaxFrameBytes)
        {
            _damaged = true;
            _fragment = null;
            return;
        }

        if (_fragmentLength + data.Length > _fragment.Length)
        {
            Array.Resize(ref _fragment, Math.Min(MaxFrameBytes, Math.Max(_fragment.Length * 2, _fragmentLength + data.Length)));
        }

        data.CopyTo(_fragment.AsSpan(_fragmentLength));
        _fragmentLength += data.Length;
        if (end)
        {
            AddNalUnit(_fragment.AsSpan(0, _fragmentLength));
            _fragment = null;
        }
    }

    private void AbortFragment()
    {
        if (_fragment is not null)
        {
            _damaged = true;
            _fragment = null;
        }
    }

    private void AddNalUnit(ReadOnlySpan<byte> nalUnit)
    {
        if (_nalUnits.Count >= MaxNalUnits || _frameBytes + nalUnit.Length + 4 > MaxFrameBytes)
        {
            _damaged = true;
            return;
        }

        var type = NalUnits.TypeOf(nalUnit);
        if (type == NalUnitType.AccessUnitDelimiter)
        {
            return;
        }

        _nalUnits.Add(nalUnit.ToArray());
        _frameBytes += nalUnit.Length + 4;
    }

    private void Finish(List<H264Frame> output)
    {
        if (_fragment is not null)
        {
            _damaged = true;
            _fragment = null;
        }

        var timestamp = _frameTimestamp ?? 0;
        var damaged = _damaged;
        _damaged = false;
        _frameTimestamp = null;
        if (_nalUnits.Count == 0)
        {
            WaitingForKeyframe |= damaged;
            return;
        }

        var keyframe = false;
        byte[]? sps = null;
        byte[]? pps = null;
        foreach (var nal in _nalUnits)
        {
            switch (NalUnits.TypeOf(nal))
            {
                case NalUnitType.IdrSlice:
                    keyframe = true;
                    break;
                case NalUnitType.Sps:
                    sps = nal;
                    break;
                case NalUnitType.Pps:
                    pps = nal;
                    break;
            }
        }

        if (damaged || (WaitingForKeyframe && !keyframe))
        {
            WaitingForKeyframe = true;
            DroppedFrames++;
            Clear();
            return;
        }

        if (sps is not null && pps is not null)
        {
            UpdateConfig(sps, pps);
        }

        if (Config is null)
        {
            // A keyframe without parameter sets ever seen cannot be decoded.
            WaitingForKeyframe = true;
            DroppedFrames++;
            Clear();
            return;
        }

        var data = new byte[_frameBytes];
        var offset = 0;
        foreach (var nal in _nalUnits)
        {
            BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(offset), nal.Length);
            nal.CopyTo(data, offset + 4);
            offset += 4 + nal.Length;
        }

        WaitingForKeyframe = false;
        Clear();
        output.Add(new H264Frame(timestamp, data, keyframe, Config));
    }

    private void UpdateConfig(byte[] sps, byte[] pps)
    {
        if (Config is not null && _sps.AsSpan().SequenceEqual(sps) && _pps.AsSpan().SequenceEqual(pps))
        {
            return;
        }

        try
        {
            var avc = AvcDecoderConfiguration.Build(sps, pps);
            var parsed = avc.ParseSequenceParameterSet();
            Config = new TrackConfig(TrackKind.Video, MediaCodec.H264, 90_000, avc.ToBytes(), parsed.Width, parsed.Height);
            _sps = sps;
            _pps = pps;
        }
        catch (InvalidDataException)
        {
            // A malformed SPS keeps the previous configuration; without one, frames wait for a usable keyframe.
        }
    }

    private void Clear()
    {
        _nalUnits.Clear();
        _frameBytes = 0;
    }
}
