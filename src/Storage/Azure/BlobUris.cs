namespace Platform.Storage.Azure;

/// <summary>Builds request URIs under a Blob service endpoint (host-style or path-style).</summary>
internal static class BlobUris
{
    public static Uri Container(string endpoint, string container, string query) =>
        new($"{endpoint}/{container}{Query(query)}", UriKind.Absolute);

    public static Uri Blob(string endpoint, BlobPath path, string? query = null) =>
        new($"{endpoint}/{path.Container}/{EscapeName(path.Name)}{Query(query)}", UriKind.Absolute);

    /// <summary>Percent-encodes each '/'-separated segment of a blob name (RFC 3986 unreserved characters stay), keeping the slashes.</summary>
    public static string EscapeName(string name)
    {
        var segments = name.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.EscapeDataString(segments[i]);
        }

        return string.Join('/', segments);
    }

    /// <summary>The endpoint as a string without a trailing slash, ready for <c>/container/blob</c> to be appended.</summary>
    public static string NormalizeEndpoint(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');

    private static string Query(string? query) => string.IsNullOrEmpty(query) ? string.Empty : "?" + query;
}
