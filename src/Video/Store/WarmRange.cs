namespace Platform.Video.Store;

/// <summary>
/// Entries [<see cref="FirstEntry"/>, <see cref="FirstEntry"/> + <see cref="Count"/>) of an hour's index now live, in
/// index order and back to back, in one warm blob; each entry's offset is the sum of the sizes before it.
/// </summary>
public readonly record struct WarmRange(int FirstEntry, int Count)
{
    public int End => FirstEntry + Count;
}
