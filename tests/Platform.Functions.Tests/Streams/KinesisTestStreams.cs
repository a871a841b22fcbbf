using Platform.Streams.Client;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Testing;

namespace Platform.Functions.Tests.Streams;

/// <summary>Clients for host processes, and streams made through them, for tests that each use a stream of their own.</summary>
internal static class KinesisTestStreams
{
    /// <summary>A client for a host; no access keys are configured on the hosts, so any signature is accepted.</summary>
    public static KinesisClient NewClient(HttpClient http, HostProcess host) =>
        new(http, host.BaseAddress, new AwsCredentials("AKIDTEST", "test-secret"));

    /// <summary>Creates a uniquely named stream through <paramref name="client"/> and waits until it is ACTIVE.</summary>
    public static async Task<string> CreateStreamAsync(IKinesisClient client, int shards)
    {
        var name = "test-" + Guid.NewGuid().ToString("N")[..12];
        await client.CreateStreamAsync(new CreateStreamRequest { StreamName = name, ShardCount = shards });
        await WaitForActiveAsync(client, name, shards, TimeSpan.FromSeconds(15));
        return name;
    }

    /// <summary>Waits until DescribeStreamSummary says ACTIVE with <paramref name="openShards"/> open shards.</summary>
    public static async Task WaitForActiveAsync(IKinesisClient client, string stream, int openShards, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        StreamDescriptionSummary? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = (await client.DescribeStreamSummaryAsync(new DescribeStreamSummaryRequest { StreamName = stream })).StreamDescriptionSummary;
            if (last.StreamStatus == StreamStatus.Active && last.OpenShardCount == openShards)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"Stream {stream} did not become ACTIVE with {openShards} open shards in {timeout}; last seen {last?.StreamStatus} with {last?.OpenShardCount}.");
    }
}
