using System.Diagnostics;
using System.Net;
using Platform.Storage.Azure;
using Platform.Storage.Resilience;

namespace Platform.Storage.Tests.Azure;

public sealed class AzureRetryHandlerTests
{
    private static readonly RetryOptions FastRetries = new() { MaxRetries = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task RetryHandler_Retries503_ThenReturnsTheSuccess()
    {
        var transport = new ScriptedHandler((_, call) => call < 3 ? ScriptedHandler.Error(HttpStatusCode.ServiceUnavailable, "ServerBusy") : ScriptedHandler.Respond(HttpStatusCode.OK, "done"));

        using var response = await SendAsync(transport, FastRetries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("done", await response.Content.ReadAsStringAsync());
        Assert.Equal([1, 2, 3], transport.Sent.Select(s => s.Attempt));
        Assert.Equal(3, AzureRequestOptions.GetAttempt(response.RequestMessage));
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task RetryHandler_RetriesEveryTransientStatus(int status)
    {
        var transport = new ScriptedHandler((_, call) => ScriptedHandler.Respond(call == 1 ? (HttpStatusCode)status : HttpStatusCode.Created));

        using var response = await SendAsync(transport, FastRetries);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task RetryHandler_GivesUpAfterMaxRetries_ReturningTheLastTransientResponse()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Error(HttpStatusCode.ServiceUnavailable, "ServerBusy"));

        using var response = await SendAsync(transport, FastRetries with { MaxRetries = 2 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(3, transport.Sent.Count);
        Assert.Contains("ServerBusy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryHandler_GivesUpOnLostConnections_WithConnectionFailed()
    {
        var transport = new ScriptedHandler((_, _) => throw new HttpRequestException("connection refused"));

        var error = await Assert.ThrowsAsync<BlobStorageException>(() => SendAsync(transport, FastRetries with { MaxRetries = 2 }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Equal(BlobErrorCodes.ConnectionFailed, error.ErrorCode);
        Assert.Contains("gave up after 3 attempts", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.True(error.IsTransient);
        Assert.Equal(3, transport.Sent.Count);
    }

    [Fact]
    public async Task RetryHandler_RetriesIOExceptions_AndResendsTheSameBody()
    {
        var transport = new ScriptedHandler((_, call) => call == 1 ? throw new IOException("reset") : ScriptedHandler.Respond(HttpStatusCode.Created));

        using var response = await SendAsync(transport, FastRetries, new ReadOnlyMemoryContent(new byte[] { 1, 2, 3 }));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, transport.Sent.Count);
        Assert.All(transport.Sent, s => Assert.Equal(new byte[] { 1, 2, 3 }, s.Body));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    [InlineData(412)]
    [InlineData(416)]
    public async Task RetryHandler_DoesNotRetryPermanentStatuses(int status)
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond((HttpStatusCode)status));

        using var response = await SendAsync(transport, FastRetries);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Single(transport.Sent);
    }

    [Fact]
    public async Task RetryHandler_HonoursRetryAfter_AndXMsRetryAfterMs()
    {
        var clock = new InstantTimeProvider(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var transport = new ScriptedHandler((_, call) => call switch
        {
            1 => ScriptedHandler.Respond(HttpStatusCode.TooManyRequests, null, ("Retry-After", "2")),
            2 => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, null, ("x-ms-retry-after-ms", "1500")),
            3 => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, null, ("Retry-After", "Mon, 01 Jan 2024 00:00:04 GMT")),
            _ => ScriptedHandler.Respond(HttpStatusCode.OK),
        });
        var options = new RetryOptions { MaxRetries = 5, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromSeconds(30), AttemptTimeout = TimeSpan.FromHours(1) };

        using var response = await SendAsync(transport, options, timeProvider: clock);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(4)], clock.Waits);
    }

    [Fact]
    public async Task RetryHandler_BacksOffExponentiallyWithJitter_CappedAtMaxDelay()
    {
        var clock = new InstantTimeProvider(DateTimeOffset.UnixEpoch);
        var transport = new ScriptedHandler((_, call) => ScriptedHandler.Respond(call <= 4 ? HttpStatusCode.InternalServerError : HttpStatusCode.OK));
        var options = new RetryOptions { MaxRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), AttemptTimeout = TimeSpan.FromHours(1) };

        using var response = await SendAsync(transport, options, timeProvider: clock, random: () => 1.0);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([100, 200, 400, 500], clock.Waits.Select(w => w.TotalMilliseconds));
    }

    [Fact]
    public async Task RetryHandler_CallerCancellation_StopsAtOnceWithoutRetrying()
    {
        var transport = new ScriptedHandler(async (_, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return ScriptedHandler.Respond(HttpStatusCode.OK);
        });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SendAsync(transport, FastRetries with { AttemptTimeout = TimeSpan.FromMinutes(1) }, cancellationToken: cancel.Token));

        Assert.Single(transport.Sent);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
    }

    [Fact]
    public async Task RetryHandler_CallerCancellation_DuringBackoff_StopsAtOnce()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable, null, ("Retry-After", "30")));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var options = FastRetries with { MaxDelay = TimeSpan.FromMinutes(1) };
        var watch = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SendAsync(transport, options, cancellationToken: cancel.Token));

        Assert.Single(transport.Sent);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"cancellation took {watch.Elapsed}");
    }

    [Fact]
    public async Task RetryHandler_AttemptTimeout_IsRetriedAsTransient()
    {
        var transport = new ScriptedHandler(async (_, call, token) =>
        {
            if (call == 1)
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            return ScriptedHandler.Respond(HttpStatusCode.OK);
        });

        using var response = await SendAsync(transport, FastRetries with { AttemptTimeout = TimeSpan.FromMilliseconds(100) });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task RetryHandler_AttemptTimeouts_GiveUpWithOperationTimedOut()
    {
        var transport = new ScriptedHandler(async (_, _, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return ScriptedHandler.Respond(HttpStatusCode.OK);
        });

        var error = await Assert.ThrowsAsync<BlobStorageException>(() =>
            SendAsync(transport, FastRetries with { MaxRetries = 1, AttemptTimeout = TimeSpan.FromMilliseconds(50) }));

        Assert.Equal(BlobErrorCodes.OperationTimedOut, error.ErrorCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.Status);
        Assert.Contains("gave up after 2 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task RetryHandler_BodyCutOffMidway_IsRetried()
    {
        var transport = new ScriptedHandler((_, call) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK);
            response.Content = call == 1 ? new StreamContent(new FailingStream()) : new StringContent("whole");
            return response;
        });

        using var response = await SendAsync(transport, FastRetries);

        Assert.Equal("whole", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, transport.Sent.Count);
    }

    [Fact]
    public async Task RetryHandler_WithZeroRetries_SendsOnce()
    {
        var transport = new ScriptedHandler((_, _) => ScriptedHandler.Respond(HttpStatusCode.ServiceUnavailable));

        using var response = await SendAsync(transport, FastRetries with { MaxRetries = 0 });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(transport.Sent);
    }

    private static async Task<HttpResponseMessage> SendAsync(
        HttpMessageHandler transport,
        RetryOptions options,
        HttpContent? content = null,
        TimeProvider? timeProvider = null,
        Func<double>? random = null,
        CancellationToken cancellationToken = default)
    {
        using var handler = new AzureRetryHandler(transport, options, timeProvider, random ?? (() => 0.5));
        using var invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:1/devstoreaccount1/c/b") { Content = content };
        return await invoker.SendAsync(request, cancellationToken);
    }

    private sealed class FailingStream : Stream
    {
        private bool _sentSome;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_sentSome)
            {
                throw new IOException("connection reset mid-body");
            }

            _sentSome = true;
            buffer[offset] = (byte)'w';
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
