using System.Buffers.Binary;

namespace Platform.Video.Media.Opus;

/// <summary>
/// The Opus decoder set-up stored in MP4 as the <c>dOps</c> box ("Encapsulation of Opus in ISO Base Media File Format",
/// clause 4.3.2). WebRTC Opus is always 48 kHz; mono and stereo use channel mapping family 0.
/// </summary>
/// <param name="Channels">Output channel count (1 or 2 for mapping family 0).</param>
/// <param name="PreSkip">Samples at 48 kHz to discard at the start (312 is the libopus encoder's look-ahead).</param>
/// <param name="InputSampleRate">The original input rate, informational (48000).</param>
public sealed record OpusConfiguration(int Channels, int PreSkip = OpusConfiguration.DefaultPreSkip, int InputSampleRate = 48_000)
{
    /// <summary>The libopus encoder delay at 48 kHz, used when the stream does not state one (RTP never does).</summary>
    public const int DefaultPreSkip = 312;

    /// <summary>Opus always decodes at 48 kHz, so its MP4 timescale is 48000.</summary>
    public const int SampleRate = 48_000;

    /// <summary>Size of the <c>dOps</c> payload for mapping family 0.</summary>
    public const int DOpsPayloadSize = 11;

    /// <summary>The RFC 6381 codec string.</summary>
    public const string CodecString = "opus";

    /// <summary>Writes the <c>dOps</c> payload (without the box header).</summary>
    /// <param name="destination">At least <see cref="DOpsPayloadSize"/> bytes.</param>
    /// <exception cref="InvalidOperationException">More than two channels (needs a channel mapping table this writer does not produce).</exception>
    public void WriteDOpsPayload(Span<byte> destination)
    {
        if (Channels is < 1 or > 2)
        {
            throw new InvalidOperationException($"Opus with {Channels} channels needs a channel mapping table; only mono and stereo are supported.");
        }

        destination[0] = 0; // Version
        destination[1] = (byte)Channels;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)PreSkip);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], (uint)InputSampleRate);
        BinaryPrimitives.WriteInt16BigEndian(destination[8..], 0); // OutputGain
        destination[10] = 0; // ChannelMappingFamily
    }
}
