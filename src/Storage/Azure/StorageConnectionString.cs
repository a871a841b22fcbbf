using System.Text;

namespace Platform.Storage.Azure;

/// <summary>
/// A parsed Azure Storage connection string: where the Blob service is and how to authorize against it
/// (Shared Key or a shared access signature). <see cref="ToString"/> never reveals the key or the SAS.
/// </summary>
/// <remarks>
/// Supported forms (keys are case-insensitive, segments are separated by ';'):
/// <list type="bullet">
/// <item><c>UseDevelopmentStorage=true</c>, optionally with <c>DevelopmentStorageProxyUri=http://host</c>: the Azurite defaults.</item>
/// <item><c>DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net</c>.</item>
/// <item>An explicit <c>BlobEndpoint=…</c> (host-style or path-style such as <c>http://127.0.0.1:10000/devstoreaccount1</c>) with
/// <c>AccountName</c>/<c>AccountKey</c> or with <c>SharedAccessSignature</c>.</item>
/// </list>
/// </remarks>
public sealed class StorageConnectionString
{
    /// <summary>The Azurite (and old storage emulator) account name.</summary>
    public const string DevelopmentAccountName = "devstoreaccount1";

    /// <summary>The well-known, public key of the development account.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private const string DefaultEndpointSuffix = "core.windows.net";
    private const int DevelopmentBlobPort = 10000;

    private readonly byte[]? _accountKey;

    private StorageConnectionString(Uri blobEndpoint, string? accountName, byte[]? accountKey, string? sharedAccessSignature, bool isDevelopmentStorage)
    {
        BlobEndpoint = blobEndpoint;
        AccountName = accountName;
        _accountKey = accountKey;
        SharedAccessSignature = sharedAccessSignature;
        IsDevelopmentStorage = isDevelopmentStorage;
    }

    /// <summary>The Blob service endpoint, without a trailing slash (it may carry a path, e.g. the account in path-style URLs).</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>The storage account name; always set for Shared Key, possibly null with a SAS.</summary>
    public string? AccountName { get; }

    /// <summary>True when requests are signed with the account key (Shared Key).</summary>
    public bool HasAccountKey => _accountKey is not null;

    /// <summary>The SAS token without its leading '?', when the string authorizes with one instead of a key.</summary>
    public string? SharedAccessSignature { get; }

    /// <summary>True for <c>UseDevelopmentStorage=true</c>.</summary>
    public bool IsDevelopmentStorage { get; }

    /// <summary>The decoded account key (internal: only the signing handler needs it).</summary>
    internal ReadOnlyMemory<byte> AccountKey => _accountKey ?? ReadOnlyMemory<byte>.Empty;

    /// <summary>Parses a connection string; throws <see cref="FormatException"/> naming the missing or bad setting (never its value).</summary>
    public static StorageConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = Split(connectionString);

        if (settings.TryGetValue("UseDevelopmentStorage", out var useDev))
        {
            if (!bool.TryParse(useDev, out var isDev))
            {
                throw new FormatException("Connection string setting 'UseDevelopmentStorage' must be 'true' or 'false'.");
            }

            if (isDev)
            {
                return ParseDevelopmentStorage(settings);
            }
        }

        string? accountName = null;
        if (settings.TryGetValue("AccountName", out var name))
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new FormatException("Connection string setting 'AccountName' is empty.");
            }

            accountName = name;
        }

        Uri endpoint;
        if (settings.TryGetValue("BlobEndpoint", out var blobEndpoint))
        {
            endpoint = ParseEndpoint(blobEndpoint, "BlobEndpoint");
            accountName ??= AccountFromEndpoint(endpoint);
        }
        else
        {
            if (accountName is null)
            {
                throw new FormatException("Connection string is missing 'AccountName' (or 'BlobEndpoint', or 'UseDevelopmentStorage=true').");
            }

            var protocol = settings.TryGetValue("DefaultEndpointsProtocol", out var p) ? p.ToLowerInvariant() : "https";
            if (protocol is not ("http" or "https"))
            {
                throw new FormatException("Connection string setting 'DefaultEndpointsProtocol' must be 'http' or 'https'.");
            }

            var suffix = settings.TryGetValue("EndpointSuffix", out var s) ? s.Trim('.') : DefaultEndpointSuffix;
            if (suffix.Length == 0)
            {
                throw new FormatException("Connection string setting 'EndpointSuffix' is empty.");
            }

            endpoint = ParseEndpoint($"{protocol}://{accountName}.blob.{suffix}", "EndpointSuffix");
        }

        var hasKey = settings.TryGetValue("AccountKey", out var key);
        var hasSas = settings.TryGetValue("SharedAccessSignature", out var sas);
        if (hasKey && hasSas)
        {
            throw new FormatException("Connection string sets both 'AccountKey' and 'SharedAccessSignature'; use one of them.");
        }

        if (hasSas)
        {
            var token = sas!.TrimStart('?');
            if (token.Length == 0 || !token.Contains('=', StringComparison.Ordinal))
            {
                throw new FormatException("Connection string setting 'SharedAccessSignature' is not a SAS token.");
            }

            return new StorageConnectionString(endpoint, accountName, null, token, isDevelopmentStorage: false);
        }

        if (!hasKey)
        {
            throw new FormatException("Connection string is missing 'AccountKey' (or 'SharedAccessSignature').");
        }

        if (accountName is null)
        {
            throw new FormatException("Connection string is missing 'AccountName', which Shared Key authorization needs.");
        }

        return new StorageConnectionString(endpoint, accountName, DecodeKey(key!), null, isDevelopmentStorage: false);
    }

    /// <summary>A redacted form: endpoint, account and the kind of credential, never the secret.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append("BlobEndpoint=").Append(BlobEndpoint.GetLeftPart(UriPartial.Path));
        if (AccountName is not null)
        {
            text.Append(";AccountName=").Append(AccountName);
        }

        if (HasAccountKey)
        {
            text.Append(";AccountKey=<redacted>");
        }

        if (SharedAccessSignature is not null)
        {
            text.Append(";SharedAccessSignature=<redacted>");
        }

        return text.ToString();
    }

    private static StorageConnectionString ParseDevelopmentStorage(Dictionary<string, string> settings)
    {
        foreach (var key in settings.Keys)
        {
            if (!key.Equals("UseDevelopmentStorage", StringComparison.OrdinalIgnoreCase) &&
                !key.Equals("DevelopmentStorageProxyUri", StringComparison.OrdinalIgnoreCase))
            {
                throw new FormatException($"Connection string setting '{key}' cannot be combined with 'UseDevelopmentStorage=true'.");
            }
        }

        var endpoint = new Uri($"http://127.0.0.1:{DevelopmentBlobPort}/{DevelopmentAccountName}");
        if (settings.TryGetValue("DevelopmentStorageProxyUri", out var proxy))
        {
            var proxyUri = ParseEndpoint(proxy, "DevelopmentStorageProxyUri");
            endpoint = new UriBuilder(proxyUri.Scheme, proxyUri.Host, DevelopmentBlobPort, DevelopmentAccountName).Uri;
        }

        return new StorageConnectionString(endpoint, DevelopmentAccountName, Convert.FromBase64String(DevelopmentAccountKey), null, isDevelopmentStorage: true);
    }

    private static Dictionary<string, string> Split(string connectionString)
    {
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var segment in connectionString.Split(';'))
        {
            if (string.IsNullOrWhiteSpace(segment))
            {
                continue;
            }

            var equals = segment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException("Connection string has a segment that is not 'Name=Value'.");
            }

            var name = segment[..equals].Trim();
            var value = segment[(equals + 1)..].Trim();
            if (name.Length == 0)
            {
                throw new FormatException("Connection string has a segment with an empty setting name.");
            }

            if (!settings.TryAdd(name, value))
            {
                throw new FormatException($"Connection string sets '{name}' more than once.");
            }
        }

        if (settings.Count == 0)
        {
            throw new FormatException("Connection string is empty.");
        }

        return settings;
    }

    private static Uri ParseEndpoint(string value, string settingName)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            throw new FormatException($"Connection string setting '{settingName}' is not an absolute http or https URI.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new FormatException($"Connection string setting '{settingName}' must not have a query or fragment.");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
    }

    /// <summary>
    /// The account name implied by an endpoint: the first path segment of a path-style endpoint on an IP
    /// address or localhost (Azurite), otherwise the first label of the host name.
    /// </summary>
    private static string? AccountFromEndpoint(Uri endpoint)
    {
        var isPathStyle = endpoint.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 ||
                          endpoint.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase);
        if (isPathStyle)
        {
            var firstSegment = endpoint.AbsolutePath.Trim('/').Split('/')[0];
            return firstSegment.Length > 0 ? firstSegment : null;
        }

        var dot = endpoint.Host.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? endpoint.Host[..dot] : null;
    }

    private static byte[] DecodeKey(string key)
    {
        if (key.Length == 0)
        {
            throw new FormatException("Connection string setting 'AccountKey' is empty.");
        }

        var buffer = new byte[(key.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(key, buffer, out var written) || written == 0)
        {
            throw new FormatException("Connection string setting 'AccountKey' is not valid base64.");
        }

        return buffer[..written];
    }
}
