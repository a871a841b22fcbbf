using Microsoft.AspNetCore.Hosting;

namespace Platform.Runtime.Hosting;

/// <summary>
/// HTTP/1.1 and HTTP/2 with prior knowledge (h2c) on the same cleartext port. The AWS SDK for JavaScript v3
/// opens h2c by prior knowledge; boto3 and the AWS CLI speak HTTP/1.1; both talk to one port.
/// </summary>
/// <remarks>
/// Kestrel chooses HTTP/2 on an Http1AndHttp2 endpoint only through TLS ALPN; without TLS it gives every
/// connection HTTP/1.1 and answers an h2c client with HTTP_1_1_REQUIRED (dotnet/aspnetcore#56984, open in
/// .NET 10). So each connection's first bytes are read before Kestrel's HTTP handling, without consuming
/// them: the HTTP/2 preface selects HTTP/2 for that connection (see <see cref="KestrelProtocolsFeature"/>),
/// anything else goes on as HTTP/1.1. No second listener or port is involved.
/// </remarks>
public static class SinglePortProtocols
{
    /// <summary>
    /// Adds the protocol check to every endpoint Kestrel creates, however its address was given: the <c>urls</c>
    /// setting (command line or <c>ASPNETCORE_URLS</c>), <c>UseUrls</c>, <c>Kestrel:Endpoints</c> or <c>Listen</c>.
    /// Endpoints that do not offer both HTTP/1.x and HTTP/2 are left as they are.
    /// </summary>
    /// <remarks>
    /// This sets Kestrel's endpoint defaults; a later <c>ConfigureEndpointDefaults</c> call replaces them, and
    /// with them h2c on that port.
    /// </remarks>
    /// <exception cref="InvalidOperationException">
    /// The ASP.NET Core runtime lacks the per-connection protocol feature this relies on.
    /// </exception>
    public static IWebHostBuilder UseHttp1AndH2cOnEachPort(this IWebHostBuilder builder)
    {
        if (KestrelProtocolsFeature.Http2Only is null)
        {
            throw new InvalidOperationException(KestrelProtocolsFeature.Unavailable);
        }

        return builder.ConfigureKestrel(static kestrel =>
            kestrel.ConfigureEndpointDefaults(static endpoint =>
                endpoint.Use(next => PriorKnowledgeMiddleware.Wrap(endpoint, next))));
    }
}
