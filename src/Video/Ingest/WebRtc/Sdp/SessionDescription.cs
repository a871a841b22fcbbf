namespace Platform.Video.Ingest.WebRtc.Sdp;

/// <summary>
/// A parsed SDP (RFC 8866), kept as lines: session-level attributes and media sections. Parsing checks structure only;
/// what the offer means is <see cref="WhipOfferNegotiator"/>'s job.
/// </summary>
public sealed class SessionDescription
{
    /// <summary>Bounds that keep a hostile offer from costing much; browsers' offers are a few kilobytes.</summary>
    public const int MaxLength = 64 * 1024;

    private const int MaxLines = 2000;
    private const int MaxMedia = 16;

    private SessionDescription(IReadOnlyList<KeyValuePair<string, string>> attributes, IReadOnlyList<SdpMedia> media)
    {
        Attributes = attributes;
        Media = media;
    }

    public IReadOnlyList<KeyValuePair<string, string>> Attributes { get; }

    public IReadOnlyList<SdpMedia> Media { get; }

    public string? Attribute(string name) => Attributes.FirstOrDefault(a => a.Key == name).Value;

    /// <exception cref="SdpException">400: the text is not SDP (no <c>v=0</c>, malformed lines, a bad <c>m=</c> line, too large).</exception>
    public static SessionDescription Parse(string text)
    {
        if (text.Length > MaxLength)
        {
            throw new SdpException(400, "The SDP offer is larger than 64 KiB.");
        }

        var lines = text.Split('\n');
        if (lines.Length > MaxLines)
        {
            throw new SdpException(400, "The SDP offer has too many lines.");
        }

        var sessionAttributes = new List<KeyValuePair<string, string>>();
        var media = new List<SdpMedia>();
        List<KeyValuePair<string, string>>? current = null;
        (string Kind, int Port, string Protocol, string[] Formats) header = ("", 0, "", []);
        var first = true;
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length < 2 || line[1] != '=' || !char.IsAsciiLetterLower(line[0]))
            {
                throw new SdpException(400, $"SDP line {number} is not of the form x=value.");
            }

            if (first)
            {
                if (line != "v=0")
                {
                    throw new SdpException(400, "The SDP does not start with v=0.");
                }

                first = false;
                continue;
            }

            var value = line[2..];
            switch (line[0])
            {
                case 'm':
                    if (current is not null)
                    {
                        media.Add(new SdpMedia(header.Kind, header.Port, header.Protocol, header.Formats, current));
                    }

                    if (media.Count >= MaxMedia)
                    {
                        throw new SdpException(400, "The SDP offer has too many media sections.");
                    }

                    var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (parts.Length < 3 || !int.TryParse(parts[1].Split('/')[0], out var port) || port is < 0 or > 65535)
                    {
                        throw new SdpException(400, $"SDP line {number} is not a valid m= line.");
                    }

                    header = (parts[0], port, parts[2], parts[3..]);
                    current = [];
                    break;
                case 'a':
                    var colon = value.IndexOf(':', StringComparison.Ordinal);
                    var attribute = colon < 0
                        ? new KeyValuePair<string, string>(value, "")
                        : new KeyValuePair<string, string>(value[..colon], value[(colon + 1)..]);
                    (current ?? sessionAttributes).Add(attribute);
                    break;
            }
        }

        if (first)
        {
            throw new SdpException(400, "The SDP offer is empty.");
        }

        if (current is not null)
        {
            media.Add(new SdpMedia(header.Kind, header.Port, header.Protocol, header.Formats, current));
        }

        return new SessionDescription(sessionAttributes, media);
    }
}
