namespace Platform.Video.Ingest.Rtmp;

/// <summary>Reads bits, exp-Golomb codes included, from an RBSP (emulation prevention already removed); running off the end throws.</summary>
internal ref struct RtmpBitReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _bit;

    public uint ReadBits(int count)
    {
        uint value = 0;
        for (var i = 0; i < count; i++)
        {
            if (_bit >= _data.Length * 8)
            {
                throw new RtmpProtocolException("SPS truncated.");
            }

            value = (value << 1) | (uint)((_data[_bit >> 3] >> (7 - (_bit & 7))) & 1);
            _bit++;
        }

        return value;
    }

    public bool ReadFlag() => ReadBits(1) != 0;

    public uint ReadUe()
    {
        var zeros = 0;
        while (ReadBits(1) == 0)
        {
            if (++zeros > 31)
            {
                throw new RtmpProtocolException("SPS exp-Golomb code longer than 32 bits.");
            }
        }

        return (uint)((1UL << zeros) - 1 + ReadBits(zeros));
    }

    public int ReadSe()
    {
        var code = ReadUe();
        return (code & 1) != 0 ? (int)((code + 1) / 2) : -(int)(code / 2);
    }
}
