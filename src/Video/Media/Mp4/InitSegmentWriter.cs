using Platform.Video.Media.H264;

namespace Platform.Video.Media.Mp4;

/// <summary>
/// Writes a CMAF header: <c>ftyp</c> and a <c>moov</c> with one <c>trak</c> per track and empty sample tables, plus
/// <c>mvex/trex</c> announcing that samples come in movie fragments (ISO/IEC 14496-12, ISO/IEC 23000-19).
/// Track ids are the 1-based positions in the list the caller passes, which <see cref="FragmentWriter"/> must use too.
/// </summary>
public static partial class InitSegmentWriter
{
    private const uint MovieTimescale = 1000;

    // Unity transformation matrix (clause 8.2.2.3), 16.16 and 2.30 fixed point.
    private static readonly uint[] UnityMatrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];

    /// <summary>Writes the init segment for <paramref name="tracks"/>.</summary>
    /// <param name="tracks">The tracks, in track-id order (id = index + 1).</param>
    /// <exception cref="InvalidDataException">A track's codec private data is malformed.</exception>
    public static byte[] Write(IReadOnlyList<TrackConfig> tracks)
    {
        if (tracks.Count == 0)
        {
            throw new ArgumentException("An init segment needs at least one track.", nameof(tracks));
        }

        using var writer = new BoxWriter(1024);
        WriteFtyp(writer);
        var moov = writer.StartBox("moov");
        WriteMvhd(writer, tracks.Count + 1);
        for (var i = 0; i < tracks.Count; i++)
        {
            WriteTrak(writer, i + 1, tracks[i]);
        }

        var mvex = writer.StartBox("mvex");
        for (var i = 0; i < tracks.Count; i++)
        {
            var trex = writer.StartFullBox("trex", 0, 0);
            writer.WriteUInt32((uint)(i + 1));
            writer.WriteUInt32(1); // default_sample_description_index
            writer.WriteUInt32(0); // default_sample_duration
            writer.WriteUInt32(0); // default_sample_size
            writer.WriteUInt32(0); // default_sample_flags
            writer.EndBox(trex);
        }

        writer.EndBox(mvex);
        writer.EndBox(moov);
        return writer.ToArray();
    }

    /// <summary>The displayed size of a video track: the config's, else the SPS's.</summary>
    /// <param name="config">A video track.</param>
    public static (int Width, int Height) VideoSize(TrackConfig config)
    {
        if (config.Width > 0 && config.Height > 0)
        {
            return (config.Width, config.Height);
        }

        if (config.Codec == MediaCodec.H264)
        {
            var sps = AvcDecoderConfiguration.Parse(config.CodecPrivate.Span).ParseSequenceParameterSet();
            return (sps.Width, sps.Height);
        }

        return (0, 0);
    }

    private static void WriteFtyp(BoxWriter writer)
    {
        var ftyp = writer.StartBox("ftyp");
        writer.WriteFourCc("iso6");
        writer.WriteUInt32(0);
        foreach (var brand in new[] { "iso6", "cmfc", "isom", "mp41" })
        {
            writer.WriteFourCc(brand);
        }

        writer.EndBox(ftyp);
    }

    private static void WriteMvhd(BoxWriter writer, int nextTrackId)
    {
        var mvhd = writer.StartFullBox("mvhd", 0, 0);
        writer.WriteUInt32(0); // creation_time
        writer.WriteUInt32(0); // modification_time
        writer.WriteUInt32(MovieTimescale);
        writer.WriteUInt32(0); // duration: unknown, the media is in fragments
        writer.WriteUInt32(0x00010000); // rate 1.0
        writer.WriteUInt16(0x0100); // volume 1.0
        writer.WriteZeros(2 + 8);
        WriteMatrix(writer);
        writer.WriteZeros(6 * 4); // pre_defined
        writer.WriteUInt32((uint)nextTrackId);
        writer.EndBox(mvhd);
    }

    private static void WriteTrak(BoxWriter writer, int trackId, TrackConfig config)
    {
        var video = config.Kind == TrackKind.Video;
        var (width, height) = video ? VideoSize(config) : (0, 0);
        var trak = writer.StartBox("trak");

        var tkhd = writer.StartFullBox("tkhd", 0, 0x000003); // enabled, in movie
        writer.WriteUInt32(0);
        writer.WriteUInt32(0);
        writer.WriteUInt32((uint)trackId);
        writer.WriteUInt32(0); // reserved
        writer.WriteUInt32(0); // duration
        writer.WriteZeros(8);
        writer.WriteUInt16(0); // layer
        writer.WriteUInt16(0); // alternate_group
        writer.WriteUInt16(video ? (ushort)0 : (ushort)0x0100);
        writer.WriteUInt16(0);
        WriteMatrix(writer);
        writer.WriteUInt32((uint)width << 16);
        writer.WriteUInt32((uint)height << 16);
        writer.EndBox(tkhd);

        var mdia = writer.StartBox("mdia");
        var mdhd = writer.StartFullBox("mdhd", 0, 0);
        writer.WriteUInt32(0);
        writer.WriteUInt32(0);
        writer.WriteUInt32((uint)config.Timescale);
        writer.WriteUInt32(0);
        writer.WriteUInt16(0x55C4); // language "und", packed ISO-639-2/T
        writer.WriteUInt16(0);
        writer.EndBox(mdhd);

        var hdlr = writer.StartFullBox("hdlr", 0, 0);
        writer.WriteUInt32(0);
        writer.WriteFourCc(video ? "vide" : "soun");
        writer.WriteZeros(12);
        writer.WriteBytes(video ? "VideoHandler\0"u8 : "SoundHandler\0"u8);
        writer.EndBox(hdlr);

        var minf = writer.StartBox("minf");
        if (video)
        {
            var vmhd = writer.StartFullBox("vmhd", 0, 1);
            writer.WriteZeros(8); // graphicsmode, opcolor
            writer.EndBox(vmhd);
        }
        else
        {
            var smhd = writer.StartFullBox("smhd", 0, 0);
            writer.WriteZeros(4); // balance, reserved
            writer.EndBox(smhd);
        }

        var dinf = writer.StartBox("dinf");
        var dref = writer.StartFullBox("dref", 0, 0);
        writer.WriteUInt32(1);
        var url = writer.StartFullBox("url ", 0, 1); // media is in this file
        writer.EndBox(url);
        writer.EndBox(dref);
        writer.EndBox(dinf);

        var stbl = writer.StartBox("stbl");
        var stsd = writer.StartFullBox("stsd", 0, 0);
        writer.WriteUInt32(1);
        switch (config.Codec)
        {
            case MediaCodec.H264:
                WriteAvc1(writer, config, width, height);
                break;
            case MediaCodec.Aac:
                WriteMp4a(writer, trackId, config);
                break;
            case MediaCodec.Opus:
                WriteOpus(writer, config);
                break;
            default:
                throw new InvalidDataException($"Unknown codec {config.Codec}.");
        }

        writer.EndBox(stsd);
        foreach (var table in new[] { "stts", "stsc", "stco" })
        {
            var box = writer.StartFullBox(table, 0, 0);
            writer.WriteUInt32(0); // entry_count
            writer.EndBox(box);
        }

        var stsz = writer.StartFullBox("stsz", 0, 0);
        writer.WriteUInt32(0); // sample_size
        writer.WriteUInt32(0); // sample_count
        writer.EndBox(stsz);
        writer.EndBox(stbl);
        writer.EndBox(minf);
        writer.EndBox(mdia);
        writer.EndBox(trak);
    }

    private static void WriteMatrix(BoxWriter writer)
    {
        foreach (var value in UnityMatrix)
        {
            writer.WriteUInt32(value);
        }
    }
}
