using Platform.Video.Media.Aac;
using Platform.Video.Media.H264;
using Platform.Video.Media.Opus;

namespace Platform.Video.Media.Mp4;

public static partial class InitSegmentWriter
{
    // ISO/IEC 14496-1 descriptor tags used in esds.
    private const byte EsDescriptorTag = 0x03;
    private const byte DecoderConfigDescriptorTag = 0x04;
    private const byte DecoderSpecificInfoTag = 0x05;
    private const byte SlConfigDescriptorTag = 0x06;

    private static void WriteAvc1(BoxWriter writer, TrackConfig config, int width, int height)
    {
        // Parse and re-serialise so a malformed record fails here, not in every player. Access units always carry
        // 4-byte NAL lengths (MediaCodec.H264), whatever the producer's record declared.
        var avcC = AvcDecoderConfiguration.Parse(config.CodecPrivate.Span).WithNalLengthSize(4);
        var entry = writer.StartBox("avc1");
        writer.WriteZeros(6);
        writer.WriteUInt16(1); // data_reference_index
        writer.WriteZeros(2 + 2 + 12); // pre_defined, reserved, pre_defined[3]
        writer.WriteUInt16((ushort)width);
        writer.WriteUInt16((ushort)height);
        writer.WriteUInt32(0x00480000); // 72 dpi
        writer.WriteUInt32(0x00480000);
        writer.WriteUInt32(0);
        writer.WriteUInt16(1); // frame_count
        writer.WriteZeros(32); // compressorname
        writer.WriteUInt16(0x0018); // depth
        writer.WriteInt16(-1);
        var box = writer.StartBox("avcC");
        writer.WriteBytes(avcC.ToBytes());
        writer.EndBox(box);
        writer.EndBox(entry);
    }

    private static void WriteMp4a(BoxWriter writer, int trackId, TrackConfig config)
    {
        var asc = config.CodecPrivate.Span;
        var parsed = AudioSpecificConfig.Parse(asc);
        var channels = config.Channels > 0 ? config.Channels : Math.Max(parsed.ChannelCount, 1);
        var sampleRate = config.SampleRate > 0 ? config.SampleRate : parsed.SamplingFrequency;
        var entry = WriteAudioSampleEntryStart(writer, "mp4a", channels, sampleRate);

        var esds = writer.StartFullBox("esds", 0, 0);
        var decoderSpecificInfoSize = DescriptorSize(asc.Length);
        var decoderConfigSize = DescriptorSize(13 + decoderSpecificInfoSize);
        var slConfigSize = DescriptorSize(1);
        WriteDescriptorHeader(writer, EsDescriptorTag, 3 + decoderConfigSize + slConfigSize);
        writer.WriteUInt16((ushort)trackId); // ES_ID
        writer.WriteByte(0); // no dependency, URL or OCR stream
        WriteDescriptorHeader(writer, DecoderConfigDescriptorTag, 13 + decoderSpecificInfoSize);
        writer.WriteByte(0x40); // objectTypeIndication: MPEG-4 Audio
        writer.WriteByte((0x05 << 2) | 0x01); // streamType audio, reserved bit
        writer.WriteUInt24(0); // bufferSizeDB
        writer.WriteUInt32(0); // maxBitrate
        writer.WriteUInt32(0); // avgBitrate
        WriteDescriptorHeader(writer, DecoderSpecificInfoTag, asc.Length);
        writer.WriteBytes(asc);
        WriteDescriptorHeader(writer, SlConfigDescriptorTag, 1);
        writer.WriteByte(0x02); // predefined: reserved for MP4
        writer.EndBox(esds);
        writer.EndBox(entry);
    }

    private static void WriteOpus(BoxWriter writer, TrackConfig config)
    {
        var opus = new OpusConfiguration(config.Channels > 0 ? config.Channels : 2);
        var entry = WriteAudioSampleEntryStart(writer, "Opus", opus.Channels, OpusConfiguration.SampleRate);
        var dops = writer.StartBox("dOps");
        opus.WriteDOpsPayload(writer.Reserve(OpusConfiguration.DOpsPayloadSize));
        writer.EndBox(dops);
        writer.EndBox(entry);
    }

    private static int WriteAudioSampleEntryStart(BoxWriter writer, string type, int channels, int sampleRate)
    {
        var entry = writer.StartBox(type);
        writer.WriteZeros(6);
        writer.WriteUInt16(1); // data_reference_index
        writer.WriteZeros(8);
        writer.WriteUInt16((ushort)channels);
        writer.WriteUInt16(16); // samplesize
        writer.WriteZeros(4); // pre_defined, reserved

        // 16.16 fixed point; rates that do not fit are left 0 (the decoder config states the real rate).
        writer.WriteUInt32(sampleRate is > 0 and <= ushort.MaxValue ? (uint)sampleRate << 16 : 0);
        return entry;
    }

    private static int DescriptorSize(int payloadLength) => payloadLength + (payloadLength < 0x80 ? 2 : 5);

    private static void WriteDescriptorHeader(BoxWriter writer, byte tag, int payloadLength)
    {
        writer.WriteByte(tag);
        if (payloadLength < 0x80)
        {
            writer.WriteByte((byte)payloadLength);
            return;
        }

        // Expandable size (ISO/IEC 14496-1 clause 8.3.3): 7 bits per byte, high bit set on all but the last.
        writer.WriteByte((byte)(0x80 | ((payloadLength >> 21) & 0x7F)));
        writer.WriteByte((byte)(0x80 | ((payloadLength >> 14) & 0x7F)));
        writer.WriteByte((byte)(0x80 | ((payloadLength >> 7) & 0x7F)));
        writer.WriteByte((byte)(payloadLength & 0x7F));
    }
}
