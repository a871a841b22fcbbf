using System.Globalization;

namespace Platform.Streams.Routing;

/// <summary>Kinesis shard ids: <c>shardId-</c> followed by a 12-digit, zero-padded index, unique within a stream.</summary>
public readonly record struct ShardId(int Index)
{
    private const string Prefix = "shardId-";

    public static ShardId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a shard id (expected shardId- and 12 digits).");

    public static bool TryParse(string? text, out ShardId id)
    {
        id = default;
        if (text is null || text.Length != Prefix.Length + 12 || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        if (!int.TryParse(text.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
        {
            return false;
        }

        id = new ShardId(index);
        return true;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Prefix}{Index:D12}");
}
