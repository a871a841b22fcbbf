using System.Buffers.Binary;

namespace Platform.Video.Hls;

/// <summary>Reads the video size from an init segment (the first <c>tkhd</c> with a non-zero width, ISO/IEC 14496-12 8.3.2), for <c>RESOLUTION</c>.</summary>
public static class InitSegmentResolution
{
    /// <summary>The width and height in pixels, or (0, 0) when the segment has no video track or is malformed.</summary>
    public static (int Width, int Height) Read(ReadOnlySpan<byte> init)
    {
        var moov = FindBox(init, "moov"u8);
        while (!moov.IsEmpty)
        {
            if (!NextBox(ref moov, out var type, out var body))
            {
                break;
            }

            if (type.SequenceEqual("trak"u8))
            {
                var tkhd = FindBox(body, "tkhd"u8);

                // Width and height are the last two 16.16 fixed-point fields, whatever the box version.
                if (tkhd.Length >= 8)
                {
                    var width = (int)(BinaryPrimitives.ReadUInt32BigEndian(tkhd[^8..]) >> 16);
                    var height = (int)(BinaryPrimitives.ReadUInt32BigEndian(tkhd[^4..]) >> 16);
                    if (width > 0 && height > 0)
                    {
                        return (width, height);
                    }
                }
            }
        }

        return (0, 0);
    }

    private static ReadOnlySpan<byte> FindBox(ReadOnlySpan<byte> data, ReadOnlySpan<byte> wanted)
    {
        while (NextBox(ref data, out var type, out var body))
        {
            if (type.SequenceEqual(wanted))
            {
                return body;
            }
        }

        return default;
    }

    private static bool NextBox(scoped ref ReadOnlySpan<byte> data, out ReadOnlySpan<byte> type, out ReadOnlySpan<byte> body)
    {
        type = default;
        body = default;
        if (data.Length < 8)
        {
            return false;
        }

        long size = BinaryPrimitives.ReadUInt32BigEndian(data);
        var header = 8;
        if (size == 1)
        {
            if (data.Length < 16)
            {
                return false;
            }

            size = (long)BinaryPrimitives.ReadUInt64BigEndian(data[8..]);
            header = 16;
        }
        else if (size == 0)
        {
            size = data.Length;
        }

        if (size < header || size > data.Length)
        {
            return false;
        }

        type = data.Slice(4, 4);
        body = data[header..(int)size];
        data = data[(int)size..];
        return true;
    }
}
