namespace Platform.Video.Store;

/// <summary>
/// Read side of the fragment store, what HLS playback and <c>ListFragments</c> need. Fragments and init segments are
/// immutable once stored, wherever they live (hot or warm tier), so callers may cache their bytes forever.
/// </summary>
public interface IFragmentReader
{
    /// <summary>Fragments whose timestamp lies in [<paramref name="from"/>, <paramref name="to"/>], oldest first, at most <paramref name="max"/>.</summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist.</exception>
    ValueTask<IReadOnlyList<FragmentInfo>> ListAsync(string stream, FragmentTimestampType type, DateTimeOffset from, DateTimeOffset to, int max, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="count"/> fragments, oldest first (the live window); empty when nothing is stored yet.</summary>
    /// <exception cref="KeyNotFoundException">The stream does not exist.</exception>
    ValueTask<IReadOnlyList<FragmentInfo>> LatestAsync(string stream, int count, CancellationToken cancellationToken);

    /// <summary>A fragment's bytes (<c>moof</c> + <c>mdat</c>); null when it does not exist or has expired.</summary>
    ValueTask<ReadOnlyMemory<byte>?> ReadFragmentAsync(string stream, long number, CancellationToken cancellationToken);

    /// <summary>An init segment's bytes and its RFC 6381 codecs string; null when it does not exist.</summary>
    ValueTask<(ReadOnlyMemory<byte> Data, string Codecs)?> ReadInitSegmentAsync(string stream, string initSegmentKey, CancellationToken cancellationToken);

    /// <summary>Completes when the stream has a fragment newer than <paramref name="afterNumber"/> (live playlists
    /// may use it to wait instead of polling), or when <paramref name="cancellationToken"/> fires.</summary>
    Task WaitForFragmentAsync(string stream, long afterNumber, CancellationToken cancellationToken);
}
