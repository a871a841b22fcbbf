namespace Platform.Video.Media.H264;

/// <summary>
/// Reads bits and exp-Golomb codes (H.264 clause 9.1) from an RBSP, most significant bit first. Reading past the end
/// throws <see cref="InvalidDataException"/>, so truncated parameter sets fail cleanly instead of yielding zeros.
/// </summary>
public ref struct BitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private long _position;

    /// <summary>Starts reading at the first bit of <paramref name="data"/>.</summary>
    /// <param name="data">An RBSP: emulation prevention bytes already removed.</param>
    public BitReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Bits left to read.</summary>
    public readonly long RemainingBits => (_data.Length * 8L) - _position;

    public bool ReadFlag() => ReadBit() == 1;

    public int ReadBit()
    {
        if (_position >= _data.Length * 8L)
        {
            throw new InvalidDataException("Bitstream ended early.");
        }

        var value = (_data[(int)(_position >> 3)] >> (7 - (int)(_position & 7))) & 1;
        _position++;
        return value;
    }

    /// <summary>Reads <paramref name="count"/> bits (0–32) as an unsigned number.</summary>
    /// <param name="count">How many bits.</param>
    public uint ReadBits(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 32);
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            value = (value << 1) | (uint)ReadBit();
        }

        return value;
    }

    public void Skip(int count)
    {
        if (count > RemainingBits)
        {
            throw new InvalidDataException("Bitstream ended early.");
        }

        _position += count;
    }

    /// <summary>Reads an unsigned exp-Golomb code, <c>ue(v)</c>.</summary>
    public uint ReadUe()
    {
        var leadingZeros = 0;
        while (ReadBit() == 0)
        {
            leadingZeros++;

            // A 32-bit value never needs more than 31 leading zeros; more means garbage, not a number.
            if (leadingZeros > 31)
            {
                throw new InvalidDataException("Exp-Golomb code longer than 32 bits.");
            }
        }

        if (leadingZeros == 0)
        {
            return 0;
        }

        return (uint)(((1UL << leadingZeros) - 1) + ReadBits(leadingZeros));
    }

    /// <summary>Reads a signed exp-Golomb code, <c>se(v)</c>.</summary>
    public int ReadSe()
    {
        var codeNum = ReadUe();
        var magnitude = (long)((codeNum + 1UL) / 2);
        return (int)((codeNum & 1) == 1 ? magnitude : -magnitude);
    }
}
