namespace Platform.Video.Tests.Media.Integration;

/// <summary>Extracts Opus packets from an Ogg file (RFC 3533 pages, RFC 7845 mapping) to feed real Opus packets to the muxer.</summary>
internal static class OggOpusReader
{
    /// <summary>The audio packets, without the OpusHead and OpusTags header packets.</summary>
    public static List<byte[]> ReadPackets(byte[] file)
    {
        var packets = new List<byte[]>();
        var current = new List<byte>();
        var offset = 0;
        while (offset + 27 <= file.Length)
        {
            Assert.True(file.AsSpan(offset, 4).SequenceEqual("OggS"u8), $"No Ogg page at {offset}.");
            var segments = file[offset + 26];
            var data = offset + 27 + segments;
            for (var i = 0; i < segments; i++)
            {
                var lacing = file[offset + 27 + i];
                current.AddRange(file.AsSpan(data, lacing).ToArray());
                data += lacing;

                // A lacing value under 255 ends a packet; 255 continues it into the next segment.
                if (lacing < 255)
                {
                    packets.Add([.. current]);
                    current.Clear();
                }
            }

            offset = data;
        }

        Assert.True(packets.Count > 2 && packets[0].AsSpan(0, 8).SequenceEqual("OpusHead"u8), "Not an Ogg Opus file.");
        return packets[2..];
    }
}
