using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Platform.Storage.Integrity;

namespace Platform.Storage.Embedded;

/// <summary>
/// Binary form of a <see cref="BlobState"/> slot: magic, payload length, CRC-32C of the payload, payload.
/// A slot whose magic, length or checksum is wrong is treated as absent (a torn or never-written slot).
/// </summary>
internal static class BlobStateCodec
{
    /// <summary>
    /// Room for the largest state Azure's limits allow (8 KiB of metadata in up to 8,192 entries, a 1 KiB
    /// content type). Files are sparse: a slot occupies only the pages its state is written to.
    /// </summary>
    public const int SlotSize = 64 * 1024;
    public const int HeaderSize = 16;
    public const int MaxPayload = SlotSize - HeaderSize;
    private const uint Magic = 0x31534250; // "PBS1"

    public static int Encode(BlobState state, Span<byte> slot)
    {
        var w = new ArrayBufferWriter<byte>(256);
        WriteU64(w, state.SlotSequence);
        WriteBytes(w, state.Generation.ToByteArray());
        WriteU64(w, state.ContentVersion);
        WriteU8(w, (byte)state.BlobType);
        WriteI64(w, state.Length);
        WriteI32(w, state.BlockCount);
        WriteU8(w, state.IsSealed ? (byte)1 : (byte)0);
        WriteU8(w, state.AccessTier is { } t ? (byte)t : byte.MaxValue);
        WriteI64(w, state.CreatedOn.UtcTicks);
        WriteI64(w, state.LastModified.UtcTicks);
        WriteString(w, state.ContentType);
        WriteI32(w, state.Metadata.Count);
        foreach (var (k, v) in state.Metadata)
        {
            WriteShortString(w, k);
            WriteShortString(w, v);
        }

        WriteI64(w, state.UnsyncedOffset);
        WriteI32(w, state.UnsyncedLength);
        WriteU32(w, state.UnsyncedCrc);
        var lease = state.Lease;
        WriteBytes(w, lease.LeaseId.ToByteArray());
        WriteU8(w, (byte)((lease.Held ? 1 : 0) | (lease.Breaking ? 2 : 0)));
        WriteI64(w, lease.ExpiresAt?.UtcTicks ?? -1);
        WriteI64(w, lease.BrokenAt?.UtcTicks ?? -1);
        WriteI64(w, lease.Duration.Ticks);

        var payload = w.WrittenSpan;
        if (payload.Length > MaxPayload)
        {
            throw new InvalidOperationException($"Blob state of {payload.Length} bytes does not fit a {SlotSize} byte slot.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(slot, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(slot[4..], payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(slot[12..], 0);
        payload.CopyTo(slot[HeaderSize..]);
        return HeaderSize + payload.Length;
    }

    /// <summary>Length of the slot's payload when its header is well formed, else -1.</summary>
    public static int PayloadLength(ReadOnlySpan<byte> header)
    {
        if (header.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic)
        {
            return -1;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        return length is > 0 and <= MaxPayload ? length : -1;
    }

    public static bool TryDecode(ReadOnlySpan<byte> slot, out BlobState? state)
    {
        state = null;
        var length = PayloadLength(slot);
        if (length < 0 || slot.Length < HeaderSize + length)
        {
            return false;
        }

        var payload = slot.Slice(HeaderSize, length);
        if (Crc32C.Compute(payload) != BinaryPrimitives.ReadUInt32LittleEndian(slot[8..]))
        {
            return false;
        }

        try
        {
            var r = new Reader(payload);
            var sequence = r.U64();
            var generation = new Guid(r.Bytes(16));
            var contentVersion = r.U64();
            var blobType = (BlobType)r.U8();
            var len = r.I64();
            var blocks = r.I32();
            var sealedFlag = r.U8() == 1;
            var tier = r.U8();
            var created = new DateTimeOffset(r.I64(), TimeSpan.Zero);
            var modified = new DateTimeOffset(r.I64(), TimeSpan.Zero);
            var contentType = r.String();
            var count = r.I32();
            var metadata = new Dictionary<string, string>(Math.Clamp(count, 0, 1024), StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < count; i++)
            {
                metadata[r.ShortString()] = r.ShortString();
            }

            var unsyncedOffset = r.I64();
            var unsyncedLength = r.I32();
            var unsyncedCrc = r.U32();
            var leaseId = new Guid(r.Bytes(16));
            var leaseFlags = r.U8();
            var expires = r.I64();
            var broken = r.I64();
            var duration = TimeSpan.FromTicks(r.I64());
            state = new BlobState
            {
                SlotSequence = sequence,
                Generation = generation,
                ContentVersion = contentVersion,
                BlobType = blobType,
                Length = len,
                BlockCount = blocks,
                IsSealed = sealedFlag,
                AccessTier = tier == byte.MaxValue ? null : (AccessTier)tier,
                CreatedOn = created,
                LastModified = modified,
                ContentType = contentType,
                Metadata = metadata.AsReadOnly(),
                UnsyncedOffset = unsyncedOffset,
                UnsyncedLength = unsyncedLength,
                UnsyncedCrc = unsyncedCrc,
                Lease = (leaseFlags & 1) == 0
                    ? LeaseRecord.None
                    : new LeaseRecord(leaseId, true, (leaseFlags & 2) != 0,
                        expires < 0 ? null : new DateTimeOffset(expires, TimeSpan.Zero),
                        broken < 0 ? null : new DateTimeOffset(broken, TimeSpan.Zero), duration),
            };
            return len >= 0 && blocks >= 0;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static void WriteU8(ArrayBufferWriter<byte> w, byte v)
    {
        w.GetSpan(1)[0] = v;
        w.Advance(1);
    }

    private static void WriteI32(ArrayBufferWriter<byte> w, int v)
    {
        BinaryPrimitives.WriteInt32LittleEndian(w.GetSpan(4), v);
        w.Advance(4);
    }

    private static void WriteU32(ArrayBufferWriter<byte> w, uint v)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(w.GetSpan(4), v);
        w.Advance(4);
    }

    private static void WriteI64(ArrayBufferWriter<byte> w, long v)
    {
        BinaryPrimitives.WriteInt64LittleEndian(w.GetSpan(8), v);
        w.Advance(8);
    }

    private static void WriteU64(ArrayBufferWriter<byte> w, ulong v)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(w.GetSpan(8), v);
        w.Advance(8);
    }

    private static void WriteBytes(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> v) => w.Write(v);

    private static void WriteString(ArrayBufferWriter<byte> w, string? v)
    {
        if (v is null)
        {
            WriteI32(w, -1);
            return;
        }

        var n = Encoding.UTF8.GetByteCount(v);
        WriteI32(w, n);
        Encoding.UTF8.GetBytes(v, w.GetSpan(n));
        w.Advance(n);
    }

    private static void WriteShortString(ArrayBufferWriter<byte> w, string v)
    {
        var n = Encoding.UTF8.GetByteCount(v);
        BinaryPrimitives.WriteUInt16LittleEndian(w.GetSpan(2), checked((ushort)n));
        w.Advance(2);
        Encoding.UTF8.GetBytes(v, w.GetSpan(n));
        w.Advance(n);
    }

    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private ReadOnlySpan<byte> _data = data;

        public byte U8() => Take(1)[0];

        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

        public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public ReadOnlySpan<byte> Bytes(int n) => Take(n);

        public string ShortString() => Encoding.UTF8.GetString(Take(BinaryPrimitives.ReadUInt16LittleEndian(Take(2))));

        public string? String()
        {
            var n = I32();
            return n < 0 ? null : Encoding.UTF8.GetString(Take(n));
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || n > _data.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(n), "Slot payload is shorter than its fields.");
            }

            var s = _data[..n];
            _data = _data[n..];
            return s;
        }
    }
}
