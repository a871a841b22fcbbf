using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Platform.Streams.Client.Consumer;
using Platform.Streams.Log;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Functions.Tests.Streams;

/// <summary>
/// A host on the embedded backend killed with SIGKILL while producers write to it, then restarted on the same
/// data folder: what it acknowledged before dying must all be there, once, as acknowledged, and nothing it
/// returns may be bytes no producer sent.
/// </summary>
public sealed partial class StreamsCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Producers = 4;
    private const int Crashes = 2;
    private const int SegmentMaxBytes = 64 * 1024;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);
    private readonly string _workingDirectory = Directory.CreateTempSubdirectory("platform-crash-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(_workingDirectory, recursive: true);
    }

    [Fact]
    public async Task HostKilledWhileProducing_AndRestartedOnItsData_KeepsEveryAcknowledgedRecordOnce_AndReturnsNoGarbage_Twice()
    {
        var hosts = new List<HostProcess>();
        try
        {
            var host = await StartHostAsync(hosts);
            var client = KinesisTestStreams.NewClient(_http, host);
            var stream = await KinesisTestStreams.CreateStreamAsync(client, shards: 2);
            var ledger = new RecordLedger();
            for (var crash = 1; crash <= Crashes; crash++)
            {
                var acknowledgedBefore = ledger.Acknowledged.Count;
                var failedBefore = ledger.FailedRequests.Count;
                using var stop = new CancellationTokenSource();
                var producers = Enumerable.Range(0, Producers).Select(p => LedgerProducer.RunAsync(client, $"host {crash}", stream, p, ledger, stop.Token)).ToList();
                await Task.Delay(crash == 1 ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(1.5));
                Assert.True(ledger.FailedRequests.Count == failedBefore, $"A PutRecords failed while host {crash} was up: {ledger.FailedRequests.LastOrDefault()}\n--- host {crash} ---\n{host.Output}");
                Assert.Empty(ledger.Rejected);

                await host.KillAsync();

                // Each producer ends on its first request without an answer: the one cut off by the kill, or the next.
                await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(ledger.Acknowledged.Count > acknowledgedBefore, $"Nothing was acknowledged before crash {crash}.");
                var inDoubt = ledger.SentCount - ledger.Acknowledged.Count;

                host = await StartHostAsync(hosts);
                client = KinesisTestStreams.NewClient(_http, host);
                var clock = Stopwatch.StartNew();
                var read = await StreamAudit.ReadAllAsync(client, stream, ledger, ReadTimeout);
                output.WriteLine($"crash {crash}: {ledger.Acknowledged.Count - acknowledgedBefore} records acknowledged before the kill, {inDoubt} in doubt in total; "
                    + $"the restarted host returned {read.Count} records ({read.Count - ledger.Acknowledged.Count} of those in doubt) from {Segments(read)} segments in {clock.Elapsed.TotalSeconds:F1} s");

                StreamAudit.AssertNoProblems($"After crash {crash}, the reader on the restarted host", ledger, read, "\n--- restarted host ---\n" + host.Output);
                AssertNoCorruptRegionBeforeTheTail(host.Output, stream, read);
            }
        }
        finally
        {
            foreach (var started in hosts)
            {
                await started.DisposeAsync();
            }
        }
    }

    private async Task<HostProcess> StartHostAsync(List<HostProcess> hosts)
    {
        var host = HostProcess.Start(_workingDirectory, new Dictionary<string, string>
        {
            ["Platform__Storage__Backend"] = "Embedded",
            ["Platform__Storage__DataPath"] = Path.Combine(_workingDirectory, "data"),

            // Small segments roll every few hundred puts, so kills also land between a seal and the next segment's
            // creation. Every append here (at most a few puts of 20 small records) stays far below this size.
            ["Platform__Streams__SegmentMaxBytes"] = SegmentMaxBytes.ToString(CultureInfo.InvariantCulture),
        });
        hosts.Add(host);
        await host.WaitUntilHealthyAsync(_http, StartTimeout);
        return host;
    }

    /// <summary>
    /// The host may report a corrupt region only where a write torn by the kill could be: past every record read
    /// from that segment. A corrupt region with intact records after it means stored data was damaged.
    /// </summary>
    private void AssertNoCorruptRegionBeforeTheTail(string hostOutput, string stream, IReadOnlyList<ConsumedRecord> read)
    {
        foreach (Match report in CorruptRegionReport().Matches(hostOutput))
        {
            Assert.Equal(stream, report.Groups["stream"].Value);
            var shard = report.Groups["shard"].Value;
            var segment = uint.Parse(report.Groups["segment"].Value, CultureInfo.InvariantCulture);
            var offset = long.Parse(report.Groups["offset"].Value, CultureInfo.InvariantCulture);
            var after = read
                .Where(r => r.ShardId == shard)
                .Select(r => SequenceNumber.TryParse(r.SequenceNumber, out var number, out _) ? number : default)
                .Where(n => n.Segment == segment && n.Offset > offset)
                .ToList();
            Assert.True(after.Count == 0, $"The restarted host skipped a corrupt region in {shard} segment {segment} at offset {offset}, and {after.Count} intact records follow it: {report.Value}");
            output.WriteLine($"torn tail reported: {report.Value}");
        }
    }

    private static int Segments(IEnumerable<ConsumedRecord> read) =>
        read.Select(r => (r.ShardId, SequenceNumber.TryParse(r.SequenceNumber, out var number, out _) ? number.Segment : uint.MaxValue)).Distinct().Count();

    [GeneratedRegex(@"Skipped \d+ corrupt region\(s\) in (?<stream>[^/\s]+)/(?<shard>\S+), first at segment (?<segment>\d+) offset (?<offset>\d+)")]
    private static partial Regex CorruptRegionReport();
}
