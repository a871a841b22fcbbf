namespace Platform.Streams.Records;

/// <summary>An intact frame found by <see cref="FrameScanner.ScanFrames"/>: where it starts in the scanned buffer, and its layout.</summary>
public readonly record struct ScannedFrame(int Position, FrameLayout Layout);
