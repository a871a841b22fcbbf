using System.Net;

namespace Platform.Storage.Tests.Infrastructure;

/// <summary>
/// Sits between the Azure backend and the real socket handler and misbehaves on purpose: answers 503
/// with Retry-After without forwarding, drops the connection before sending, or forwards the request
/// and then drops the response (the write took effect but the client never hears so).
/// </summary>
internal sealed class FaultingHttpHandler(HttpMessageHandler inner, double busyRate, double resetBeforeRate, double resetAfterRate, int seed) : DelegatingHandler(inner)
{
    private readonly Random _random = new(seed);
    private readonly Lock _lock = new();
    private int _requests;
    private int _busy;
    private int _resetsBefore;
    private int _resetsAfter;

    public int Requests => Volatile.Read(ref _requests);

    public int Busy => Volatile.Read(ref _busy);

    public int ResetsBefore => Volatile.Read(ref _resetsBefore);

    public int ResetsAfter => Volatile.Read(ref _resetsAfter);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        double roll;
        lock (_lock)
        {
            roll = _random.NextDouble();
        }

        if (roll < busyRate)
        {
            Interlocked.Increment(ref _busy);
            var busy = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request };
            busy.Headers.TryAddWithoutValidation("Retry-After", "0");
            busy.Headers.TryAddWithoutValidation("x-ms-error-code", "ServerBusy");
            return busy;
        }

        if (roll < busyRate + resetBeforeRate)
        {
            Interlocked.Increment(ref _resetsBefore);
            throw new HttpRequestException("Injected connection reset before the request was sent.", new IOException("Connection reset by peer"));
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (roll < busyRate + resetBeforeRate + resetAfterRate && request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            Interlocked.Increment(ref _resetsAfter);
            response.Dispose();
            throw new HttpRequestException("Injected connection reset after the request took effect.", new IOException("Connection reset by peer"));
        }

        return response;
    }
}
