namespace Platform.Storage.Azure;

/// <summary>Keys the Azure pipeline stores in <see cref="HttpRequestMessage.Options"/>.</summary>
public static class AzureRequestOptions
{
    /// <summary>The 1-based number of the attempt currently being (or last) sent; set by <see cref="AzureRetryHandler"/>.</summary>
    public static readonly HttpRequestOptionsKey<int> Attempt = new("Platform.Storage.Azure.Attempt");

    /// <summary>The request URI before <see cref="SharedAccessSignatureHandler"/> appended the SAS token.</summary>
    internal static readonly HttpRequestOptionsKey<Uri> UnsignedUri = new("Platform.Storage.Azure.UnsignedUri");

    /// <summary>The attempt number recorded on <paramref name="request"/>, or 1 when it went through no retry handler.</summary>
    public static int GetAttempt(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(Attempt, out var attempt) ? attempt : 1;
}
