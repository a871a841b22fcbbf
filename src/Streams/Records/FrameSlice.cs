namespace Platform.Streams.Records;

/// <summary>
/// Where one intact frame's parts lie in a read buffer, so a reader can hand out the record's data as a slice and
/// decode the partition key only when someone asks for it (no per-record allocation while scanning).
/// </summary>
/// <param name="Start">The frame's first byte in the buffer.</param>
/// <param name="KeyStart">The partition key's first byte in the buffer (UTF-8).</param>
/// <param name="KeyLength">The partition key's length in bytes.</param>
/// <param name="DataStart">The data's first byte in the buffer.</param>
/// <param name="DataLength">The data's length in bytes.</param>
/// <param name="ArrivalUnixMilliseconds">The approximate arrival time, Unix milliseconds.</param>
public readonly record struct FrameSlice(int Start, int KeyStart, int KeyLength, int DataStart, int DataLength, long ArrivalUnixMilliseconds);
