using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Platform.Streams.Client.Tests.Infrastructure;

/// <summary>Builds the ASP.NET Core request a server would see for a request a client signed, without a socket.</summary>
internal static class AspNetRequests
{
    public static HttpRequest From(HttpRequestMessage message, ReadOnlySpan<byte> body = default)
    {
        var uri = message.RequestUri!;
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = message.Method.Method;
        request.Scheme = uri.Scheme;
        request.Path = PathString.FromUriComponent(uri.AbsolutePath);
        request.QueryString = new QueryString(uri.Query.Length > 0 ? uri.Query : null);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = uri.PathAndQuery;
        foreach (var (name, values) in message.Headers.NonValidated)
        {
            request.Headers.Append(name, values.ToArray());
        }

        if (message.Content is not null)
        {
            foreach (var (name, values) in message.Content.Headers.NonValidated)
            {
                request.Headers.Append(name, values.ToArray());
            }
        }

        request.Body = new MemoryStream(body.ToArray());
        return request;
    }

    /// <summary>A request with the given raw target (path and query as on the wire) and header lines.</summary>
    public static HttpRequest Raw(string method, string rawTarget, params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rawTarget : rawTarget[..query];
        request.Path = PathString.FromUriComponent(Uri.EscapeDataString(path).Replace("%2F", "/", StringComparison.Ordinal));
        request.QueryString = new QueryString(query < 0 ? null : rawTarget[query..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        foreach (var (name, value) in headers)
        {
            request.Headers.Append(name, value);
        }

        return request;
    }
}
