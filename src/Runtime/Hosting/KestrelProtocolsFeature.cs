using System.Reflection;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Kestrel's per-connection choice of protocols. Its HTTP connection middleware reads the internal
/// <c>HttpProtocolsFeature</c> from a connection's features and, when present, uses it instead of the
/// endpoint's protocols; Kestrel sets it itself when SNI configuration narrows protocols per host name.
/// Setting it to HTTP/2 alone makes Kestrel start its HTTP/2 connection on a cleartext connection that an
/// Http1AndHttp2 endpoint would otherwise give HTTP/1.1.
/// </summary>
/// <remarks>
/// The type is internal, so it is found by name once at start-up. It has been in Kestrel since .NET 6 and
/// is what the proposed built-in h2c detection (dotnet/aspnetcore#56984) uses too. Should a future Kestrel
/// drop it, <see cref="Http2Only"/> is null and the host refuses to start instead of silently losing h2c.
/// </remarks>
internal static class KestrelProtocolsFeature
{
    private const string TypeName = "Microsoft.AspNetCore.Server.Kestrel.Core.Internal.HttpProtocolsFeature";

    /// <summary>The feature's type, the key to set it under; null when this Kestrel has no such feature.</summary>
    public static Type? Type { get; } = typeof(KestrelServerOptions).Assembly.GetType(TypeName, throwOnError: false);

    /// <summary>One immutable instance selecting HTTP/2, shared by every connection; null when unavailable.</summary>
    public static object? Http2Only { get; } = Create(HttpProtocols.Http2);

    /// <summary>What start-up reports when the feature is missing.</summary>
    public static string Unavailable =>
        $"Kestrel {typeof(KestrelServerOptions).Assembly.GetName().Version} has no {TypeName}(HttpProtocols); the platform cannot serve HTTP/2 prior knowledge beside HTTP/1.1 on one port with this ASP.NET Core runtime.";

    private static object? Create(HttpProtocols protocols)
    {
        var constructor = Type?.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [typeof(HttpProtocols)]);
        var property = Type?.GetProperty("HttpProtocols", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (constructor is null || property?.PropertyType != typeof(HttpProtocols))
        {
            return null;
        }

        var feature = constructor.Invoke([protocols]);
        return Equals(property.GetValue(feature), protocols) ? feature : null;
    }
}
