namespace Platform.Streams.Client.EventStream;

/// <summary>
/// Size bounds the reader enforces before buffering a message and the writer enforces before producing one,
/// so a corrupt or hostile length field cannot make either side hold unbounded memory.
/// </summary>
public sealed record EventStreamLimits
{
    /// <summary>The smallest message: prelude, prelude CRC and message CRC with no headers or payload.</summary>
    public const int MinimumMessageLength = 16;

    /// <summary>The format's own cap on the encoded headers of one message (128 KiB).</summary>
    public const int FormatMaxHeadersLength = 128 * 1024;

    private readonly int _maxMessageLength = 16 * 1024 * 1024;
    private readonly int _maxHeadersLength = FormatMaxHeadersLength;

    /// <summary>Limits of 16 MiB per message and 128 KiB of headers.</summary>
    public static EventStreamLimits Default { get; } = new();

    /// <summary>Largest whole message, prelude and CRCs included. Default 16 MiB; at least <see cref="MinimumMessageLength"/>.</summary>
    public int MaxMessageLength
    {
        get => _maxMessageLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinimumMessageLength, nameof(MaxMessageLength));
            _maxMessageLength = value;
        }
    }

    /// <summary>Largest encoded headers section. Default 128 KiB, which is also the most the format allows.</summary>
    public int MaxHeadersLength
    {
        get => _maxHeadersLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(MaxHeadersLength));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, FormatMaxHeadersLength, nameof(MaxHeadersLength));
            _maxHeadersLength = value;
        }
    }
}
