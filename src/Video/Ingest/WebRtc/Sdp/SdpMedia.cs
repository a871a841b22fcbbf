namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>One media section (<c>m=</c> line and the attributes under it).</summary>
/// <param name="Kind">audio, video, application, ...</param>
/// <param name="Port">The port (0 rejects the section).</param>
/// <param name="Protocol">For example UDP/TLS/RTP/SAVPF.</param>
/// <param name="Formats">The payload types (or other format tokens) in preference order.</param>
/// <param name="Attributes">The <c>a=</c> lines as name and value (value empty for flags).</param>
public sealed record SdpMedia(string Kind, int Port, string Protocol, IReadOnlyList<string> Formats, IReadOnlyList<KeyValuePair<string, string>> Attributes)
{
    public string? Attribute(string name) => Attributes.FirstOrDefault(a => a.Key == name).Value;

    public bool HasAttribute(string name) => Attributes.Any(a => a.Key == name);

    public IEnumerable<string> AttributesNamed(string name) => Attributes.Where(a => a.Key == name).Select(a => a.Value);
}
