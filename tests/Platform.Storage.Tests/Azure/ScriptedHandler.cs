using System.Net;
using Platform.Storage.Azure;

namespace Platform.Storage.Tests.Azure;

/// <summary>What one request looked like when it reached the transport.</summary>
public sealed record SentRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, byte[] Body, int Attempt)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A transport that answers from a script and records every request it is sent.</summary>
public sealed class ScriptedHandler(Func<HttpRequestMessage, int, CancellationToken, Task<HttpResponseMessage>> script) : HttpMessageHandler
{
    private readonly List<SentRequest> _sent = [];

    public ScriptedHandler(Func<HttpRequestMessage, int, HttpResponseMessage> script)
        : this((request, call, _) => Task.FromResult(script(request, call)))
    {
    }

    public IReadOnlyList<SentRequest> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public static HttpResponseMessage Respond(HttpStatusCode status, string? body = null, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = body is null ? new ByteArrayContent([]) : new StringContent(body) };
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.Remove(name);
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message = "Scripted failure.") =>
        Respond(status, $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2024-01-01T00:00:00.0000000Z</Message></Error>",
            ("x-ms-error-code", code));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            headers[name] = string.Join(",", values);
        }

        var body = Array.Empty<byte>();
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers.NonValidated)
            {
                headers[name] = string.Join(",", values);
            }

            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        int call;
        lock (_sent)
        {
            _sent.Add(new SentRequest(request.Method, request.RequestUri!, headers, body, AzureRequestOptions.GetAttempt(request)));
            call = _sent.Count;
        }

        var response = await script(request, call, cancellationToken);
        response.RequestMessage ??= request;
        return response;
    }
}

/// <summary>A clock fixed at one instant whose timers fire at once, recording how long each was asked to wait.</summary>
public sealed class InstantTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly List<TimeSpan> _waits = [];

    /// <summary>Timers at least this long (attempt timeouts) are left to the real clock and not recorded.</summary>
    public TimeSpan RealTimersFrom { get; init; } = TimeSpan.FromMinutes(10);

    public IReadOnlyList<TimeSpan> Waits
    {
        get
        {
            lock (_waits)
            {
                return [.. _waits];
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime >= RealTimersFrom || dueTime == Timeout.InfiniteTimeSpan)
        {
            return System.CreateTimer(callback, state, dueTime, period);
        }

        lock (_waits)
        {
            _waits.Add(dueTime);
        }

        return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }
}
