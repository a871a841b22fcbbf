namespace Platform.Video.Ingest.WebRtc.Stun;

/// <summary>The STUN message types ICE needs (method Binding in its four classes).</summary>
public static class StunMessageType
{
    public const ushort BindingRequest = 0x0001;
    public const ushort BindingIndication = 0x0011;
    public const ushort BindingSuccessResponse = 0x0101;
    public const ushort BindingErrorResponse = 0x0111;
}
