using System.Net;
using System.Net.Sockets;
using Platform.Storage.Resilience;

namespace Platform.Storage.Azure;

/// <summary>
/// Retries transient failures of one HTTP request with exponential backoff and full jitter
/// (<see cref="RetryDelays.Next"/>): statuses 408, 429, 500, 502, 503 and 504, lost connections
/// (<see cref="HttpRequestException"/>, <see cref="IOException"/>, <see cref="SocketException"/>) and attempts
/// that ran over <see cref="RetryOptions.AttemptTimeout"/>. The wait honours <c>Retry-After</c> and
/// <c>x-ms-retry-after-ms</c>.
/// </summary>
/// <remarks>
/// <para>Each attempt buffers the whole response body inside its timeout, so a body cut off mid-way is retried too.
/// The request's content must be resendable (<see cref="ByteArrayContent"/>, <see cref="ReadOnlyMemoryContent"/>).
/// The attempt number (1-based) is recorded in <see cref="AzureRequestOptions.Attempt"/> before each attempt.</para>
/// <para>When retries run out on a transient status the last response is returned as it is; when they run out on
/// exceptions a <see cref="BlobStorageException"/> (503, <c>ConnectionFailed</c> or <c>OperationTimedOut</c>) is thrown
/// with the last exception inside. Cancellation by the caller is never retried: it surfaces at once as
/// <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class AzureRetryHandler : DelegatingHandler
{
    private readonly RetryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<double> _random;

    public AzureRetryHandler(RetryOptions? options = null, TimeProvider? timeProvider = null, Func<double>? random = null)
    {
        _options = options ?? new RetryOptions();
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _random = random ?? Random.Shared.NextDouble;
    }

    public AzureRetryHandler(HttpMessageHandler innerHandler, RetryOptions? options = null, TimeProvider? timeProvider = null, Func<double>? random = null)
        : this(options, timeProvider, random)
    {
        InnerHandler = innerHandler;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var maxAttempts = _options.MaxRetries + 1;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            request.Options.Set(AzureRequestOptions.Attempt, attempt);

            var (response, failure, timedOut) = await SendOnceAsync(request, cancellationToken);
            TimeSpan? retryAfter = null;
            if (response is not null)
            {
                if (!BlobErrorCodes.IsTransientStatus(response.StatusCode) || attempt >= maxAttempts)
                {
                    return response;
                }

                retryAfter = RetryAfterHeader.Parse(response, _timeProvider.GetUtcNow());
                response.Dispose();
            }
            else if (attempt >= maxAttempts)
            {
                var code = timedOut ? BlobErrorCodes.OperationTimedOut : BlobErrorCodes.ConnectionFailed;
                var what = timedOut ? $"each attempt timed out after {_options.AttemptTimeout.TotalSeconds:0.###} s" : failure!.Message;
                throw new BlobStorageException(
                    HttpStatusCode.ServiceUnavailable,
                    code,
                    $"{request.Method} {request.RequestUri?.AbsolutePath} gave up after {attempt} attempt{(attempt == 1 ? string.Empty : "s")}: {what}",
                    failure);
            }

            var delay = RetryDelays.Next(_options, attempt, retryAfter, _random());
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>One attempt under its own timeout: a response (body buffered), or the transient exception it failed with.</summary>
    private async Task<(HttpResponseMessage? Response, Exception? Failure, bool TimedOut)> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_options.AttemptTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        HttpResponseMessage? response = null;
        try
        {
            response = await base.SendAsync(request, linked.Token);
            await response.Content.LoadIntoBufferAsync(linked.Token);
            return (response, null, false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or IOException or SocketException)
        {
            response?.Dispose();
            cancellationToken.ThrowIfCancellationRequested();

            // Not the caller's cancellation: our attempt timeout, or the transport gave up on its own (e.g. a connect timeout).
            return (null, ex, ex is OperationCanceledException || timeout.IsCancellationRequested);
        }
    }
}
