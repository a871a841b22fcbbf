namespace Platform.Streams.Service;

/// <summary>
/// One record of a put as slices of a shared buffer (a request body decoded in place): the partition key's
/// UTF-8 bytes and the data. An offset of -1 means the member was absent or null.
/// </summary>
/// <param name="KeyOffset">Where the partition key's UTF-8 bytes start, or -1 when there is none.</param>
/// <param name="KeyLength">The partition key's length in bytes.</param>
/// <param name="DataOffset">Where the data starts, or -1 when there is none.</param>
/// <param name="DataLength">The data's length.</param>
/// <param name="ExplicitHashKey">The explicit hash key as the producer wrote it, if any.</param>
public readonly record struct PutRecordSlice(int KeyOffset, int KeyLength, int DataOffset, int DataLength, string? ExplicitHashKey);
