namespace Platform.Streams.Records;

/// <summary>Where the parts of an intact frame are, relative to the frame's start.</summary>
/// <param name="FrameLength">The whole frame's length.</param>
/// <param name="HasExplicitHashKey">Whether an explicit hash key follows the header.</param>
/// <param name="KeyOffset">Where the partition key's UTF-8 bytes start.</param>
/// <param name="KeyLength">The partition key's length in bytes.</param>
/// <param name="DataOffset">Where the record data starts.</param>
/// <param name="DataLength">The record data's length.</param>
/// <param name="ArrivalUnixMs">The approximate arrival time in Unix milliseconds.</param>
public readonly record struct FrameLayout(int FrameLength, bool HasExplicitHashKey, int KeyOffset, int KeyLength, int DataOffset, int DataLength, long ArrivalUnixMs)
{
    public DateTimeOffset ArrivalTime => DateTimeOffset.FromUnixTimeMilliseconds(ArrivalUnixMs);
}
