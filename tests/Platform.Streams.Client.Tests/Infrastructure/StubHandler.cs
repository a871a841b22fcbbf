using System.Net;
using System.Text;

namespace Platform.Streams.Client.Tests.Infrastructure;

/// <summary>Answers requests in memory from a delegate, keeping what was sent. For tests of pure client logic only.</summary>
internal sealed class StubHandler(Func<HttpRequestMessage, byte[], HttpResponseMessage> respond) : HttpMessageHandler
{
    public List<(HttpRequestMessage Request, byte[] Body)> Sent { get; } = [];

    public static HttpResponseMessage Json(HttpStatusCode status, string json)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8) };
        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-amz-json-1.1");
        return response;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        lock (Sent)
        {
            Sent.Add((request, body));
        }

        return respond(request, body);
    }
}
