namespace Platform.Storage.Azure;

/// <summary>
/// Orders canonicalized <c>x-ms-</c> header names the way the Blob service (and Azurite) does for the
/// characters header and metadata names can hold: '_' before '-', both before digits, digits before
/// letters, otherwise ordinal. Plain ordinal order would put <c>x-ms-meta-a0</c> before <c>x-ms-meta-a_</c>,
/// which the service sorts the other way round and then rejects the signature.
/// </summary>
internal sealed class HeaderNameComparer : IComparer<string>
{
    public static readonly HeaderNameComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var length = Math.Min(x.Length, y.Length);
        for (var i = 0; i < length; i++)
        {
            var difference = Weight(x[i]) - Weight(y[i]);
            if (difference != 0)
            {
                return difference;
            }
        }

        return x.Length - y.Length;
    }

    private static int Weight(char c) => c switch
    {
        '_' => -2,
        '-' => -1,
        _ => c,
    };
}
