namespace Platform.Streams.Records;

/// <summary>
/// An intact frame found by <see cref="FrameScanner.Locate"/>: where it starts in the scanned buffer, and its layout.
/// The <c>…Start</c> members are positions in that buffer, so a reader can slice the data out and decode the
/// partition key only when someone asks for it.
/// </summary>
/// <param name="Position">The frame's first byte in the buffer.</param>
/// <param name="Layout">Where the frame's parts are, relative to <paramref name="Position"/>.</param>
public readonly record struct ScannedFrame(int Position, FrameLayout Layout)
{
    /// <summary>The partition key's first byte in the buffer (UTF-8).</summary>
    public int KeyStart => Position + Layout.KeyOffset;

    /// <summary>The partition key's length in bytes.</summary>
    public int KeyLength => Layout.KeyLength;

    /// <summary>The data's first byte in the buffer.</summary>
    public int DataStart => Position + Layout.DataOffset;

    /// <summary>The data's length in bytes.</summary>
    public int DataLength => Layout.DataLength;

    /// <summary>The approximate arrival time, Unix milliseconds.</summary>
    public long ArrivalUnixMs => Layout.ArrivalUnixMs;
}
