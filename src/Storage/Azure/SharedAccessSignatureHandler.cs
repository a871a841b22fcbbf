namespace Platform.Storage.Azure;

/// <summary>
/// Authorizes requests with a shared access signature: appends the SAS query to the request URI of every
/// attempt (exactly once, however often the request is retried) and sets <c>x-ms-version</c>.
/// </summary>
public sealed class SharedAccessSignatureHandler : DelegatingHandler
{
    private readonly string _sas;

    public SharedAccessSignatureHandler(string sharedAccessSignature)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sharedAccessSignature);
        _sas = sharedAccessSignature.TrimStart('?');
    }

    public SharedAccessSignatureHandler(string sharedAccessSignature, HttpMessageHandler innerHandler)
        : this(sharedAccessSignature)
    {
        InnerHandler = innerHandler;
    }

    /// <summary><paramref name="uri"/> with the SAS query appended after any query it already has.</summary>
    public static Uri AppendSas(Uri uri, string sharedAccessSignature)
    {
        var sas = sharedAccessSignature.TrimStart('?');
        var text = uri.OriginalString;
        var separator = string.IsNullOrEmpty(uri.Query) ? "?" : "&";
        return new Uri(text + separator + sas, UriKind.Absolute);
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        if (!request.Options.TryGetValue(AzureRequestOptions.UnsignedUri, out var unsigned))
        {
            unsigned = request.RequestUri;
            request.Options.Set(AzureRequestOptions.UnsignedUri, unsigned);
        }

        request.RequestUri = AppendSas(unsigned, _sas);
        request.Headers.Remove(AzureHeaders.Version);
        request.Headers.TryAddWithoutValidation(AzureHeaders.Version, AzureHeaders.ApiVersion);
        return base.SendAsync(request, cancellationToken);
    }
}
