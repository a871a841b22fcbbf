using System.Globalization;

namespace Platform.Streams.Log;

/// <summary>
/// A Kinesis sequence number that says where its record lives, so a read needs no index lookup:
/// the segment of the shard and the byte offset of the record's frame in it.
/// <para>
/// The decimal value is 10^55 + version·2^72 + segment·2^40 + offset: always 56 digits, so comparing the
/// strings and comparing the numbers agree (clients do both), and within a shard a later record always has
/// a larger number because segments only grow and offsets only grow within a segment.
/// </para>
/// </summary>
public readonly record struct SequenceNumber(uint Segment, long Offset) : IComparable<SequenceNumber>
{
    public const int Digits = 56;
    public const long MaxOffset = (1L << 40) - 1;
    private const int Version = 1;

    /// <summary>
    /// The number just below every record's: 10^55 + 2^72 - 1, a shard's starting sequence number. AT or AFTER it
    /// reads from the shard's first record, which itself is numbered (0, 0).
    /// </summary>
    public static SequenceNumber BeforeFirst { get; } = new(0, -1);

    /// <summary>
    /// The number just below <paramref name="position"/> and above every record before it: AFTER_SEQUENCE_NUMBER with
    /// it reads from <paramref name="position"/> on. No record has it (a frame is longer than one byte), so it marks
    /// where a reader stands when it has delivered nothing (a SubscribeToShard continuation on a quiet shard).
    /// </summary>
    public static SequenceNumber Before(SequenceNumber position) =>
        position.Offset > 0 ? new(position.Segment, position.Offset - 1)
        : position.Segment > 0 ? new(position.Segment - 1, MaxOffset)
        : BeforeFirst;

    private static UInt128 BeforeFirstValue => ((UInt128)Version << 72) - 1;

    public int CompareTo(SequenceNumber other) => (Segment, Offset).CompareTo((other.Segment, other.Offset));

    public static bool operator <(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) < 0;

    public static bool operator >(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) > 0;

    public static bool operator <=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SequenceNumber left, SequenceNumber right) => left.CompareTo(right) >= 0;

    public override string ToString()
    {
        UInt128 x;
        if (this == BeforeFirst)
        {
            x = BeforeFirstValue;
        }
        else if (Offset is < 0 or > MaxOffset)
        {
            throw new InvalidOperationException($"Offset {Offset} does not fit a sequence number.");
        }
        else
        {
            x = ((UInt128)Version << 72) + ((UInt128)Segment << 40) + (UInt128)Offset;
        }

        // 10^55 + x with x < 2^73 < 10^23: a "1" and then x in 55 zero-padded digits. UInt128 formatting, no BigInteger.
        return string.Create(Digits, x, static (span, value) =>
        {
            span[0] = '1';
            span[1..].Fill('0');
            value.TryFormat(span[(Digits - 23)..], out _, "D23", CultureInfo.InvariantCulture);
        });
    }

    /// <summary>Writes the 56 ASCII digits of <see cref="ToString"/> into <paramref name="destination"/> (at least <see cref="Digits"/> bytes); no string is made.</summary>
    /// <remarks>
    /// Every record of a GetRecords answer is formatted, so this avoids UInt128's general formatter (a tenth of the
    /// host's time reading back): x &lt; 2^73 is held in three 32-bit limbs and divided by 10^9 three times with
    /// 64-bit arithmetic, each remainder giving nine digits. 27 digits cover x &lt; 10^23; the rest are the leading
    /// "1" and zeros.
    /// </remarks>
    public void FormatUtf8(Span<byte> destination)
    {
        if (this == BeforeFirst)
        {
            System.Text.Encoding.ASCII.GetBytes(ToString(), destination);
            return;
        }

        if (Offset is < 0 or > MaxOffset)
        {
            throw new InvalidOperationException($"Offset {Offset} does not fit a sequence number.");
        }

        var digits = destination[..Digits];
        // x = Version·2^72 + Segment·2^40 + Offset, as limbs x = top·2^64 + middle·2^32 + low.
        ulong top = (ulong)Version << 8 | (ulong)Segment >> 24;
        ulong middle = ((ulong)Segment << 8 | (ulong)Offset >> 32) & uint.MaxValue;
        ulong low = (ulong)Offset & uint.MaxValue;
        const ulong Billion = 1_000_000_000;
        for (var end = Digits; end > Digits - 27; end -= 9)
        {
            var carry = top % Billion;
            top /= Billion;
            var current = carry << 32 | middle;
            middle = current / Billion;
            current = (current % Billion) << 32 | low;
            low = current / Billion;
            var chunk = (uint)(current % Billion);
            for (var d = end - 1; d >= end - 9; d--)
            {
                digits[d] = (byte)('0' + (chunk % 10));
                chunk /= 10;
            }
        }

        digits[0] = (byte)'1';
        digits[1..(Digits - 27)].Fill((byte)'0');
    }

    /// <summary>
    /// Parses a sequence number this platform issued. Anything else (another format, too long, not a decimal)
    /// returns false with a reason fit for an InvalidArgumentException message.
    /// </summary>
    public static bool TryParse(string? text, out SequenceNumber value, out string? error)
    {
        value = default;
        if (string.IsNullOrEmpty(text) || text.Length > 128 || !text.All(char.IsAsciiDigit))
        {
            error = "A sequence number is a decimal string of 1 to 128 digits.";
            return false;
        }

        if (text.Length != Digits || text[0] != '1' || text.AsSpan(1, Digits - 24).ContainsAnyExcept('0')
            || !UInt128.TryParse(text.AsSpan(Digits - 23), NumberStyles.None, CultureInfo.InvariantCulture, out var x)
            || ((x >> 72) != Version && x != BeforeFirstValue))
        {
            error = $"Sequence number {text} was not issued by this stream.";
            return false;
        }

        value = x == BeforeFirstValue ? BeforeFirst : new SequenceNumber((uint)((x >> 40) & uint.MaxValue), (long)(x & MaxOffset));
        error = null;
        return true;
    }
}
