namespace Platform.Video.Ingest.WebRtc.Stun;

/// <summary>One attribute of a parsed STUN message: its type and where its value sits in the message.</summary>
/// <param name="Type">The attribute type.</param>
/// <param name="Offset">Offset of the attribute header (type) from the start of the message.</param>
/// <param name="Length">Length of the value, without padding.</param>
public readonly record struct StunAttribute(ushort Type, int Offset, int Length)
{
    /// <summary>Offset of the value from the start of the message.</summary>
    public int ValueOffset => Offset + 4;
}
