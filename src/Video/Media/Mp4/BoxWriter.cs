using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Platform.Video.Media.Mp4;

/// <summary>
/// Writes ISO BMFF boxes (ISO/IEC 14496-12 clause 4.2) big-endian into a pooled buffer. A box is opened with
/// <see cref="StartBox"/> (a placeholder size is written) and closed with <see cref="EndBox"/>, which back-patches
/// the size, so nested boxes need no precomputed lengths. Dispose returns the buffer to the pool.
/// </summary>
public sealed class BoxWriter : IDisposable
{
    private byte[] _buffer;
    private bool _disposed;

    /// <summary>Starts an empty writer.</summary>
    /// <param name="initialCapacity">Expected size; the buffer grows when exceeded.</param>
    public BoxWriter(int initialCapacity = 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
    }

    /// <summary>Bytes written so far.</summary>
    public int Position { get; private set; }

    /// <summary>Opens a box: writes a placeholder size and the four-character type.</summary>
    /// <param name="type">Four ASCII characters.</param>
    /// <returns>The box's start, for <see cref="EndBox"/>.</returns>
    public int StartBox(string type)
    {
        var start = Position;
        WriteUInt32(0);
        WriteFourCc(type);
        return start;
    }

    /// <summary>Opens a full box: as <see cref="StartBox"/>, then the version byte and 24-bit flags.</summary>
    /// <param name="type">Four ASCII characters.</param>
    /// <param name="version">The box version.</param>
    /// <param name="flags">The 24-bit flags.</param>
    /// <returns>The box's start, for <see cref="EndBox"/>.</returns>
    public int StartFullBox(string type, byte version, uint flags)
    {
        var start = StartBox(type);
        WriteUInt32(((uint)version << 24) | (flags & 0x00FF_FFFF));
        return start;
    }

    /// <summary>Closes the box opened at <paramref name="start"/> by writing its size.</summary>
    /// <param name="start">The value <see cref="StartBox"/> returned.</param>
    public void EndBox(int start) => PatchUInt32(start, (uint)(Position - start));

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[Position++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(Position), value);
        Position += 2;
    }

    public void WriteInt16(short value) => WriteUInt16((ushort)value);

    public void WriteUInt24(uint value)
    {
        WriteByte((byte)(value >> 16));
        WriteUInt16((ushort)value);
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(Position), value);
        Position += 4;
    }

    public void WriteInt32(int value) => WriteUInt32((uint)value);

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(Position), value);
        Position += 8;
    }

    public void WriteFourCc(string type)
    {
        if (type.Length != 4)
        {
            throw new ArgumentException($"Box type '{type}' is not four characters.", nameof(type));
        }

        Ensure(4);
        Encoding.ASCII.GetBytes(type, _buffer.AsSpan(Position, 4));
        Position += 4;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Position));
        Position += bytes.Length;
    }

    public void WriteZeros(int count)
    {
        Ensure(count);
        _buffer.AsSpan(Position, count).Clear();
        Position += count;
    }

    /// <summary>Reserves <paramref name="count"/> bytes and returns them for the caller to fill.</summary>
    /// <param name="count">How many bytes.</param>
    public Span<byte> Reserve(int count)
    {
        Ensure(count);
        var span = _buffer.AsSpan(Position, count);
        Position += count;
        return span;
    }

    /// <summary>Overwrites a 32-bit value written earlier (sizes, data offsets).</summary>
    /// <param name="position">Where the value starts.</param>
    /// <param name="value">The value.</param>
    public void PatchUInt32(int position, uint value) =>
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(position, 4), value);

    /// <summary>The bytes written, as a new exact-size array.</summary>
    public byte[] ToArray() => _buffer.AsSpan(0, Position).ToArray();

    /// <summary>The bytes written (valid until the next write or dispose).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Position);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Position = 0;
    }

    private void Ensure(int count)
    {
        if (_buffer.Length - Position >= count)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Position + count));
        _buffer.AsSpan(0, Position).CopyTo(grown);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = grown;
    }
}
