using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Testing;

namespace Platform.Streams.Client.Tests.Infrastructure;

/// <summary>One kinesalite per test class; each test makes its own stream, so tests run in parallel.</summary>
public sealed class KinesaliteFixture : IAsyncLifetime
{
    private KinesaliteServer? _server;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public KinesisClient Client { get; private set; } = null!;

    public Uri Endpoint => _server!.Endpoint;

    public async Task InitializeAsync()
    {
        _server = await KinesaliteServer.StartAsync();
        Client = new KinesisClient(Http, _server.Endpoint, new AwsCredentials("AKIDTEST", "test-secret"), "us-east-1");
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>Creates a uniquely named stream and waits until it is ACTIVE.</summary>
    public async Task<string> CreateStreamAsync(int shards, CancellationToken cancellationToken = default)
    {
        var name = "test-" + Guid.NewGuid().ToString("N")[..12];
        await Client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = shards }, cancellationToken);
        await WaitForActiveAsync(name, cancellationToken);
        return name;
    }

    public async Task WaitForActiveAsync(string stream, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < 200; i++)
        {
            var summary = await Client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = stream }, cancellationToken);
            if (summary.StreamDescriptionSummary.StreamStatus == StreamStatus.Active)
            {
                return;
            }

            await Task.Delay(25, cancellationToken);
        }

        throw new TimeoutException($"Stream {stream} did not become ACTIVE.");
    }
}
