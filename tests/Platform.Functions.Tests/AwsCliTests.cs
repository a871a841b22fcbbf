using System.Text;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>
/// The AWS CLI (Debian's awscli v2, installed by infra/setup.sh; botocore underneath, as boto3) against the host with
/// only <c>--endpoint-url</c>: a Kinesis user's first session, waiters and paginators included.
/// </summary>
public sealed class AwsCliTests : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private EmbeddedHost? _host;

    /// <summary>Debian's CLI, not whatever else `aws` on PATH may be; AWS_CLI overrides.</summary>
    private static string Cli => Environment.GetEnvironmentVariable("AWS_CLI") is { Length: > 0 } cli ? cli : File.Exists("/usr/bin/aws") ? "/usr/bin/aws" : "aws";

    public async Task InitializeAsync() => _host = await EmbeddedHost.StartAsync("platform-aws-cli-");

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private async Task<NodeScriptResult> AwsAsync(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIDCLITEST",
            ["AWS_SECRET_ACCESS_KEY"] = "cli-secret",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_PAGER"] = string.Empty,
            ["AWS_CONFIG_FILE"] = Path.Combine(_host!.WorkingDirectory, "no-config"),
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_host.WorkingDirectory, "no-credentials"),
        };
        return await NodeScript.RunProgramAsync(
            Cli,
            ["--endpoint-url", _host.Endpoint, "--output", "json", "kinesis", .. arguments],
            environment,
            CommandTimeout);
    }

    private async Task<JsonElement> OkAsync(params string[] arguments)
    {
        var result = await AwsAsync(arguments);
        Assert.True(result.ExitCode == 0, $"aws kinesis {string.Join(' ', arguments)}: {result.Transcript}");
        return result.StandardOutput.Trim().Length == 0 ? default : JsonDocument.Parse(result.StandardOutput).RootElement.Clone();
    }

    [Fact]
    public async Task TheAwsCli_CreatesWritesReadsReshardsAndDeletesAStream_WithOnlyAnEndpointOverride()
    {
        var name = "cli-" + Guid.NewGuid().ToString("N")[..10];
        await OkAsync("create-stream", "--stream-name", name, "--shard-count", "2");
        await OkAsync("wait", "stream-exists", "--stream-name", name);

        var summary = (await OkAsync("describe-stream-summary", "--stream-name", name)).GetProperty("StreamDescriptionSummary");
        Assert.Equal("ACTIVE", summary.GetProperty("StreamStatus").GetString());
        Assert.Equal(2, summary.GetProperty("OpenShardCount").GetInt32());

        var put = await OkAsync("put-record", "--stream-name", name, "--partition-key", "k", "--data", "hello from the cli", "--cli-binary-format", "raw-in-base64-out");
        var shard = put.GetProperty("ShardId").GetString()!;
        var records = JsonSerializer.Serialize(new[] { new { Data = Convert.ToBase64String("second"u8), PartitionKey = "k" }, new { Data = Convert.ToBase64String("third"u8), PartitionKey = "k" } });
        var many = await OkAsync("put-records", "--stream-name", name, "--records", records);
        Assert.Equal(0, many.GetProperty("FailedRecordCount").GetInt32());
        Assert.All(many.GetProperty("Records").EnumerateArray(), r => Assert.Equal(shard, r.GetProperty("ShardId").GetString()));

        var iterator = (await OkAsync("get-shard-iterator", "--stream-name", name, "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON")).GetProperty("ShardIterator").GetString()!;
        var got = await OkAsync("get-records", "--shard-iterator", iterator);
        Assert.Equal(["hello from the cli", "second", "third"], got.GetProperty("Records").EnumerateArray().Select(r => Encoding.UTF8.GetString(Convert.FromBase64String(r.GetProperty("Data").GetString()!))));
        Assert.Equal(put.GetProperty("SequenceNumber").GetString(), got.GetProperty("Records")[0].GetProperty("SequenceNumber").GetString());

        // ListShards pages by NextToken alone (botocore's own paginator sends StreamName with it, which Kinesis refuses
        // too: boto/botocore#2009), so the pages are asked for as Kinesis documents; the CLI pages ListStreams itself.
        var first = await OkAsync("list-shards", "--stream-name", name, "--max-results", "1");
        Assert.Equal(1, first.GetProperty("Shards").GetArrayLength());
        var second = await OkAsync("list-shards", "--next-token", first.GetProperty("NextToken").GetString()!);
        Assert.Equal(["shardId-000000000000", "shardId-000000000001"], new[] { first, second }.Select(p => p.GetProperty("Shards")[0].GetProperty("ShardId").GetString()));
        var listed = await OkAsync("list-streams", "--page-size", "1");
        Assert.Contains(name, listed.GetProperty("StreamNames").EnumerateArray().Select(s => s.GetString()));

        await OkAsync("add-tags-to-stream", "--stream-name", name, "--tags", "team=video,env=test");
        var tags = await OkAsync("list-tags-for-stream", "--stream-name", name);
        Assert.Equal(["env=test", "team=video"], tags.GetProperty("Tags").EnumerateArray().Select(t => $"{t.GetProperty("Key").GetString()}={t.GetProperty("Value").GetString()}").Order());

        await OkAsync("update-shard-count", "--stream-name", name, "--target-shard-count", "4", "--scaling-type", "UNIFORM_SCALING");
        await OkAsync("wait", "stream-exists", "--stream-name", name);
        var open = await OkAsync("list-shards", "--stream-name", name, "--shard-filter", "Type=AT_LATEST");
        Assert.Equal(4, open.GetProperty("Shards").GetArrayLength());

        var missing = await AwsAsync("describe-stream-summary", "--stream-name", name + "-missing");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("ResourceNotFoundException", missing.StandardError, StringComparison.Ordinal);

        await OkAsync("delete-stream", "--stream-name", name);
        await OkAsync("wait", "stream-not-exists", "--stream-name", name);
    }
}
