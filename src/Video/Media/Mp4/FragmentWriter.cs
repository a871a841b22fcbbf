using System.Buffers.Binary;

namespace Platform.Video.Media.Mp4;

/// <summary>
/// Writes a movie fragment: <c>moof</c> (<c>mfhd</c>, then per track <c>traf</c> with <c>tfhd</c>
/// default-base-is-moof, <c>tfdt</c> version 1 and one <c>trun</c> version 1) followed by one <c>mdat</c> holding every
/// track's samples, each track's run contiguous (ISO/IEC 14496-12 clause 8.8).
/// </summary>
public static class FragmentWriter
{
    private const uint DefaultBaseIsMoof = 0x020000;
    private const uint DataOffsetPresent = 0x000001;
    private const uint SampleDurationPresent = 0x000100;
    private const uint SampleSizePresent = 0x000200;
    private const uint SampleFlagsPresent = 0x000400;
    private const uint SampleCompositionOffsetsPresent = 0x000800;

    /// <summary>sample_depends_on = 2 (depends on no other sample), is_non_sync_sample = 0.</summary>
    public const uint SyncSampleFlags = 0x02000000;

    /// <summary>sample_depends_on = 1 (depends on others), is_non_sync_sample = 1.</summary>
    public const uint NonSyncSampleFlags = 0x01010000;

    /// <summary>Writes the fragment.</summary>
    /// <param name="sequenceNumber">The <c>mfhd</c> sequence number (increasing, from 1).</param>
    /// <param name="tracks">The tracks with samples; tracks without samples are left out.</param>
    /// <exception cref="InvalidOperationException">The samples exceed the 4 GiB a 32-bit mdat can hold.</exception>
    public static byte[] Write(uint sequenceNumber, IReadOnlyList<TrackFragment> tracks)
    {
        long dataBytes = 0;
        var sampleCount = 0;
        foreach (var track in tracks)
        {
            sampleCount += track.Samples.Count;
            foreach (var sample in track.Samples)
            {
                dataBytes += sample.Data.Length;
            }
        }

        if (dataBytes > int.MaxValue - 1024 - (sampleCount * 16L) - (tracks.Count * 128L))
        {
            throw new InvalidOperationException($"A fragment of {dataBytes} bytes is too large to write.");
        }

        // The moof is small and built in a pooled buffer; the result is allocated once at its exact size so sample
        // data is copied only once.
        using var writer = new BoxWriter(64 + (tracks.Count * 128) + (sampleCount * 16));
        var moof = writer.StartBox("moof");
        var mfhd = writer.StartFullBox("mfhd", 0, 0);
        writer.WriteUInt32(sequenceNumber);
        writer.EndBox(mfhd);

        var dataOffsetPositions = new int[tracks.Count];
        for (var t = 0; t < tracks.Count; t++)
        {
            var track = tracks[t];
            if (track.Samples.Count == 0)
            {
                dataOffsetPositions[t] = -1;
                continue;
            }

            var traf = writer.StartBox("traf");
            var tfhd = writer.StartFullBox("tfhd", 0, DefaultBaseIsMoof);
            writer.WriteUInt32((uint)track.TrackId);
            writer.EndBox(tfhd);

            var tfdt = writer.StartFullBox("tfdt", 1, 0);
            writer.WriteUInt64(track.BaseMediaDecodeTime);
            writer.EndBox(tfdt);

            var hasOffsets = false;
            foreach (var sample in track.Samples)
            {
                hasOffsets |= sample.CompositionOffset != 0;
            }

            var flags = DataOffsetPresent | SampleDurationPresent | SampleSizePresent | SampleFlagsPresent;
            if (hasOffsets)
            {
                flags |= SampleCompositionOffsetsPresent;
            }

            var trun = writer.StartFullBox("trun", 1, flags);
            writer.WriteUInt32((uint)track.Samples.Count);
            dataOffsetPositions[t] = writer.Position;
            writer.WriteInt32(0); // data_offset, patched once the moof size is known
            foreach (var sample in track.Samples)
            {
                writer.WriteUInt32(sample.Duration);
                writer.WriteUInt32((uint)sample.Data.Length);
                writer.WriteUInt32(sample.IsSync ? SyncSampleFlags : NonSyncSampleFlags);
                if (hasOffsets)
                {
                    writer.WriteInt32(sample.CompositionOffset);
                }
            }

            writer.EndBox(trun);
            writer.EndBox(traf);
        }

        writer.EndBox(moof);
        var moofSize = writer.Position;
        var offset = moofSize + 8;
        for (var t = 0; t < tracks.Count; t++)
        {
            if (dataOffsetPositions[t] < 0)
            {
                continue;
            }

            writer.PatchUInt32(dataOffsetPositions[t], (uint)offset);
            foreach (var sample in tracks[t].Samples)
            {
                offset += sample.Data.Length;
            }
        }

        var output = GC.AllocateUninitializedArray<byte>(offset); // every byte is written below
        writer.WrittenSpan.CopyTo(output);
        BinaryPrimitives.WriteUInt32BigEndian(output.AsSpan(moofSize), (uint)(8 + dataBytes));
        "mdat"u8.CopyTo(output.AsSpan(moofSize + 4));
        var position = moofSize + 8;
        foreach (var track in tracks)
        {
            foreach (var sample in track.Samples)
            {
                sample.Data.Span.CopyTo(output.AsSpan(position));
                position += sample.Data.Length;
            }
        }

        return output;
    }
}
