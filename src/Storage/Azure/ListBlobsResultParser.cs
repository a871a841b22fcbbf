using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Platform.Storage.Azure;

/// <summary>Parses the <c>EnumerationResults</c> document of List Blobs.</summary>
internal static class ListBlobsResultParser
{
    /// <summary>
    /// Reads every <c>Blob</c> (name, properties, metadata) and <c>NextMarker</c> (empty or absent means the last page).
    /// ETags are given the quotes the service puts around them in headers, so a listed ETag equals the one
    /// Get Blob Properties returns. Blobs of types the platform does not model (page blobs) are skipped.
    /// </summary>
    public static BlobPage Parse(Stream xml)
    {
        // A blob may be named "   ": keep whitespace-only text, or the name would be read as "".
        using var reader = XmlReader.Create(xml, XmlSettings.SafeKeepingWhitespace);
        var document = XDocument.Load(reader, LoadOptions.PreserveWhitespace);
        var root = document.Root ?? throw Malformed("no root element");
        if (root.Name.LocalName != "EnumerationResults")
        {
            throw Malformed($"root element is '{root.Name.LocalName}'");
        }

        var items = new List<BlobProperties>();
        foreach (var blob in root.Element("Blobs")?.Elements("Blob") ?? [])
        {
            if (ParseBlob(blob) is { } properties)
            {
                items.Add(properties);
            }
        }

        var next = root.Element("NextMarker")?.Value;
        return new BlobPage(items, string.IsNullOrEmpty(next) ? null : next);
    }

    private static BlobProperties? ParseBlob(XElement blob)
    {
        var nameElement = blob.Element("Name") ?? throw Malformed("a Blob has no Name");
        var name = (string?)nameElement.Attribute("Encoded") == "true" ? Uri.UnescapeDataString(nameElement.Value) : nameElement.Value;
        var props = blob.Element("Properties") ?? throw Malformed($"blob '{name}' has no Properties");

        BlobType blobType;
        switch (props.Element("BlobType")?.Value)
        {
            case "BlockBlob":
                blobType = BlobType.Block;
                break;
            case "AppendBlob":
                blobType = BlobType.Append;
                break;
            default:
                return null;
        }

        return new BlobProperties
        {
            Name = name,
            BlobType = blobType,
            Length = long.TryParse(props.Element("Content-Length")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : 0,
            ETag = new ETag(Quote(props.Element("Etag")?.Value ?? throw Malformed($"blob '{name}' has no Etag"))),
            LastModified = AzureHeaders.ParseHttpDate(props.Element("Last-Modified")?.Value) ?? throw Malformed($"blob '{name}' has no Last-Modified"),
            CreatedOn = AzureHeaders.ParseHttpDate(props.Element("Creation-Time")?.Value),
            ContentType = EmptyToNull(props.Element("Content-Type")?.Value),
            Metadata = ParseMetadata(blob.Element("Metadata")),
            AccessTier = blobType == BlobType.Block ? BlobResponseReader.ParseAccessTier(props.Element("AccessTier")?.Value) : null,
            IsSealed = BlobResponseReader.IsTrue(props.Element("Sealed")?.Value),
            LeaseState = BlobResponseReader.ParseLeaseState(props.Element("LeaseState")?.Value),
        };
    }

    private static IReadOnlyDictionary<string, string> ParseMetadata(XElement? metadata)
    {
        if (metadata is null || !metadata.HasElements)
        {
            return BlobProperties.EmptyMetadata;
        }

        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in metadata.Elements())
        {
            // The service reports names it cannot render as XML element names as <x-ms-invalid-name>.
            if (entry.Name.LocalName != "x-ms-invalid-name")
            {
                result[entry.Name.LocalName] = entry.Value;
            }
        }

        return result.AsReadOnly();
    }

    private static string Quote(string etag) => etag.StartsWith('"') || etag == "*" ? etag : $"\"{etag}\"";

    private static string? EmptyToNull(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static BlobStorageException Malformed(string what) =>
        new(System.Net.HttpStatusCode.BadGateway, BlobErrorCodes.InternalError, $"The List Blobs response is malformed: {what}.");
}
