using System.Buffers.Binary;
using System.Text;

namespace Platform.Video.Tests.Media.Mp4;

/// <summary>A minimal ISO BMFF box reader for checking what the writers produced.</summary>
internal sealed record Mp4Box(string Type, int Offset, int Size, ReadOnlyMemory<byte> File)
{
    private static readonly HashSet<string> Containers =
        ["moov", "trak", "mdia", "minf", "dinf", "stbl", "mvex", "moof", "traf"];

    /// <summary>Bytes after the 8-byte header.</summary>
    public ReadOnlySpan<byte> Payload => File.Span.Slice(Offset + 8, Size - 8);

    public static List<Mp4Box> ReadAll(ReadOnlyMemory<byte> file, int start = 0, int end = -1)
    {
        end = end < 0 ? file.Length : end;
        var boxes = new List<Mp4Box>();
        var offset = start;
        while (offset < end)
        {
            Assert.True(end - offset >= 8, $"Truncated box header at {offset}.");
            var size = (int)BinaryPrimitives.ReadUInt32BigEndian(file.Span[offset..]);
            var type = Encoding.ASCII.GetString(file.Span.Slice(offset + 4, 4));
            Assert.True(size >= 8 && offset + size <= end, $"Box '{type}' at {offset} has size {size} past its parent's end {end}.");
            boxes.Add(new Mp4Box(type, offset, size, file));
            offset += size;
        }

        return boxes;
    }

    public List<Mp4Box> Children(int skip = 0) => ReadAll(File, Offset + 8 + skip, Offset + Size);

    /// <summary>Finds a box by a slash-separated path of container types from <paramref name="boxes"/>.</summary>
    public static Mp4Box Find(List<Mp4Box> boxes, string path)
    {
        var parts = path.Split('/');
        var current = boxes;
        Mp4Box? found = null;
        foreach (var part in parts)
        {
            found = current.FirstOrDefault(b => b.Type == part) ?? throw new Xunit.Sdk.XunitException($"No '{part}' box in path '{path}'.");
            current = Containers.Contains(found.Type) ? found.Children() : [];
        }

        return found!;
    }
}
