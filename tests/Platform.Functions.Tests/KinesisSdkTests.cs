using Platform.Testing;

namespace Platform.Functions.Tests;

/// <summary>
/// The host's Kinesis API as the real AWS SDK for JavaScript sees it: tests/js/kinesis-api.test.cjs
/// run by <c>node --test</c> against a host on the embedded backend, over HTTP/1.1, over HTTP/2
/// (which adds SubscribeToShard), and with access keys configured (which adds SigV4 checks); and
/// tests/js/kinesis-cbor.test.cjs, the CBOR protocol the AWS SDK for Java speaks by default.
/// </summary>
public sealed class KinesisSdkTests : IDisposable
{
    private const int IteratorTtlSeconds = 5;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SuiteTimeout = TimeSpan.FromMinutes(5);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-kinesis-sdk-").FullName;
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public Task SdkSuite_OverHttp11_Passes() => RunSuiteAsync(httpVersion: "1");

    [Fact]
    public Task SdkSuite_OverHttp2_Passes_IncludingSubscribeToShard() => RunSuiteAsync(httpVersion: "2");

    [Fact]
    public Task SdkSuite_WithAccessKeysConfigured_AcceptsTheKey_AndRejectsWrongSecretsAndUnknownKeys() =>
        RunSuiteAsync(
            httpVersion: "1",
            hostSettings: new Dictionary<string, string>
            {
                ["Platform__Streams__AccessKeys__0__AccessKeyId"] = "AKIDTEST",
                ["Platform__Streams__AccessKeys__0__SecretAccessKey"] = "secret",
            },
            suiteSettings: new Dictionary<string, string>
            {
                ["KINESIS_EXPECT_AUTH"] = "1",
                ["KINESIS_ACCESS_KEY_ID"] = "AKIDTEST",
                ["KINESIS_SECRET_ACCESS_KEY"] = "secret",
            });

    [Fact]
    public Task CborSuite_AsTheAwsSdkForJavaSpeaksIt_Passes_IncludingSubscribeToShard() =>
        RunSuiteAsync(httpVersion: "1", script: "kinesis-cbor.test.cjs");

    private async Task RunSuiteAsync(string httpVersion, Dictionary<string, string>? hostSettings = null, Dictionary<string, string>? suiteSettings = null, string script = "kinesis-api.test.cjs")
    {
        await NodeTools.EnsureInstalledAsync("kinesalite", CancellationToken.None); // the same npm ci installs the AWS SDK
        var environment = new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "Embedded",
            ["Platform__Storage__DataPath"] = Path.Combine(_workingDirectory, "data"),
            ["Platform__Streams__IteratorTtlSeconds"] = IteratorTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in hostSettings ?? [])
        {
            environment[key] = value;
        }

        await using var host = HostProcess.Start(_workingDirectory, environment);
        await host.WaitUntilHealthyAsync(_client, StartTimeout);

        var suite = new Dictionary<string, string>
        {
            ["KINESIS_ENDPOINT"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["KINESIS_HTTP"] = httpVersion,
            ["KINESIS_ITERATOR_TTL_SECONDS"] = IteratorTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in suiteSettings ?? [])
        {
            suite[key] = value;
        }

        var result = await NodeScript.RunAsync(
            ["--test", "--test-reporter=spec", Path.Combine(RepoPaths.Root, "tests", "js", script)],
            suite,
            SuiteTimeout);

        Assert.True(result.ExitCode == 0, $"node --test tests/js/{script} (KINESIS_HTTP={httpVersion}) failed: {result.Transcript}\n--- host output (last lines) ---\n{Tail(host.Output, 80)}");
    }

    private static string Tail(string text, int lines)
    {
        var all = text.Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
