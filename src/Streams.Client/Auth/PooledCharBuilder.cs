using System.Buffers;

namespace Platform.Streams.Client.Auth;

/// <summary>
/// A growable char buffer that starts on caller-provided (usually stack) memory and rents from the
/// shared pool only when it outgrows it. Dispose returns any rented array.
/// </summary>
internal ref struct PooledCharBuilder
{
    private char[]? _rented;
    private Span<char> _chars;
    private int _length;

    public PooledCharBuilder(Span<char> initial)
    {
        _rented = null;
        _chars = initial;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> Written => _chars[.._length];

    public void Append(char c)
    {
        if (_length == _chars.Length)
        {
            Grow(1);
        }

        _chars[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _chars.Length)
        {
            Grow(text.Length);
        }

        text.CopyTo(_chars[_length..]);
        _length += text.Length;
    }

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    public override readonly string ToString() => new(Written);

    private void Grow(int needed)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_chars.Length * 2, _length + needed));
        _chars[.._length].CopyTo(next);
        if (_rented is { } old)
        {
            ArrayPool<char>.Shared.Return(old);
        }

        _rented = next;
        _chars = next;
    }
}
