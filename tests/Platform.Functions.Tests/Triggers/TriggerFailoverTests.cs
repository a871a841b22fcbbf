using System.Diagnostics;
using System.Globalization;
using Platform.Streams.Client;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Model;
using Platform.Testing;
using Xunit.Abstractions;

namespace Platform.Functions.Tests.Triggers;

/// <summary>
/// Two host processes of the probe functions app on one Azurite account, sharing a 4-shard stream while a producer
/// writes to it. The probe file (one O_APPEND line per invocation start and end, from both processes) shows who
/// invoked which shard when, so the tests check ownership, failover, checkpoints and that no shard ever runs on two
/// hosts at once.
/// </summary>
public sealed class TriggerFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Shards = 4;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _folder = Directory.CreateTempSubdirectory("platform-triggers-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(20) };
    private readonly List<HostProcess> _hosts = [];
    private AzuriteServer? _azurite;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }

        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task KillingOneOfTwoHosts_TheSurvivorTakesItsShardsSoonAfterTheFailoverTime_AndResumesFromTheCheckpoint()
    {
        const double failoverSeconds = 4;
        var checkpointInterval = TimeSpan.FromMilliseconds(200);
        var pair = await StartPairAsync(failoverSeconds, checkpointInterval);
        var producer = new ProbeProducer(pair.Client, pair.Stream, Shards);
        using var stop = new CancellationTokenSource();
        var producing = producer.RunAsync(perRequest: 20, TimeSpan.FromMilliseconds(50), stop.Token);

        var owners = await WaitForBalanceAsync(pair, TimeSpan.FromSeconds(30));
        var bShards = owners.Where(o => o.Value == "B").Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(3)); // B works and checkpoints for a while

        await pair.B.KillAsync();
        var killTicks = DateTime.UtcNow.Ticks;
        output.WriteLine($"B killed at {new DateTime(killTicks, DateTimeKind.Utc):HH:mm:ss.fff}");
        var killedAt = pair.Probe.Read().Count;

        var takeover = await WaitForTakeoverAsync(pair.Probe, "A", bShards, killedAt, TimeSpan.FromSeconds(20), pair);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await stop.CancelAsync();
        await producing;
        var lines = await WaitForDeliveryAsync(pair.Probe, producer, TimeSpan.FromSeconds(20), pair);

        var failover = TimeSpan.FromSeconds(failoverSeconds);
        var latest = takeover.Values.Max(ticks => TimeSpan.FromTicks(ticks - killTicks));
        output.WriteLine($"B held {string.Join(", ", bShards)}; A invoked them {string.Join(", ", takeover.Select(t => $"{t.Key} after {TimeSpan.FromTicks(t.Value - killTicks).TotalSeconds:F2} s"))} of the kill");
        // B's last heartbeat is at most a fifth of the failover time old at the kill, and A runs a round just after that
        // heartbeat plus the failover time (unit-tested in FailoverTimingTests), so A claims within the failover time of
        // the kill; locally the first invocation follows 3.7-3.8 s after the kill. The slack covers the claim writes, the
        // first read from Azurite and the invocation when CI runs several test assemblies on two cores: CI measured 8.3 s
        // (before rounds were aligned) and 8.1 s (after). A survivor that never took the shards over fails.
        Assert.True(latest <= failover + TimeSpan.FromSeconds(5.5), $"The survivor took {latest.TotalSeconds:F1} s to invoke the dead host's shards; the failover time is {failover.TotalSeconds} s.\n--- A ---\n{pair.A.Output}");

        Assert.Empty(producer.Failures);
        Assert.Empty(ProbeAudit.Overlaps(lines, new Dictionary<string, int> { ["B"] = killedAt }));
        var sessions = ProbeAudit.Sessions(lines);
        Assert.Empty(ProbeAudit.OutOfOrder(sessions));

        // Resumed from B's checkpoint: the only records A gets again are ones B was given in its last moments
        // (checkpoints every 200 ms), never the shard from its start.
        var window = checkpointInterval + TimeSpan.FromSeconds(1.5);
        foreach (var shard in bShards)
        {
            var before = lines.Where(l => l.IsStart && l.Shard == shard && l.Index < killedAt).ToList();
            var deliveredBefore = before.SelectMany(l => l.Sequences).ToHashSet(StringComparer.Ordinal);
            var recent = before.Where(l => l.Host == "B" && l.Ticks >= killTicks - window.Ticks).SelectMany(l => l.Sequences).ToHashSet(StringComparer.Ordinal);
            var resumed = sessions.First(s => s.Shard == shard && s.Host == "A" && s.Starts[0].Index >= killedAt);
            var again = resumed.Sequences.Where(deliveredBefore.Contains).ToList();
            output.WriteLine($"{shard}: {deliveredBefore.Count} records delivered before the kill, {again.Count} again after it ({recent.Count} given to B in its last {window.TotalSeconds:F1} s)");
            Assert.True(again.All(recent.Contains), $"{shard}: the survivor re-delivered {again.Count(s => !recent.Contains(s))} records B had been given more than {window.TotalSeconds:F1} s before it died, so it did not resume from B's checkpoint.");
            Assert.DoesNotContain(before[0].Sequences[0], resumed.Sequences);
        }
    }

    [Fact]
    public async Task StoppingAHostGracefully_CheckpointsAndReleasesItsShards_SoTheOtherTakesThemAtOnce()
    {
        // A failover time far above the wait allowed below, and checkpoints so rare that only the one written on stop counts.
        const double failoverSeconds = 12;
        var pair = await StartPairAsync(failoverSeconds, TimeSpan.FromSeconds(60));
        var producer = new ProbeProducer(pair.Client, pair.Stream, Shards);
        using var stop = new CancellationTokenSource();
        var producing = producer.RunAsync(perRequest: 20, TimeSpan.FromMilliseconds(50), stop.Token);

        var owners = await WaitForBalanceAsync(pair, TimeSpan.FromSeconds(40));
        var bShards = owners.Where(o => o.Value == "B").Select(o => o.Key).ToHashSet(StringComparer.Ordinal);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var clock = Stopwatch.StartNew();
        await pair.B.TerminateAsync();
        var exitCode = await pair.B.WaitForExitAsync(TimeSpan.FromSeconds(20));
        var stopTicks = DateTime.UtcNow.Ticks;
        var stoppedAt = pair.Probe.Read().Count;
        output.WriteLine($"B exited with {exitCode} {clock.Elapsed.TotalSeconds:F2} s after SIGTERM");
        Assert.True(exitCode == 0, $"B exited with {exitCode} on SIGTERM:\n{pair.B.Output}");

        var takeover = await WaitForTakeoverAsync(pair.Probe, "A", bShards, stoppedAt, TimeSpan.FromSeconds(20), pair);
        await stop.CancelAsync();
        await producing;
        var lines = await WaitForDeliveryAsync(pair.Probe, producer, TimeSpan.FromSeconds(20), pair);

        var latest = takeover.Values.Max(ticks => TimeSpan.FromTicks(ticks - stopTicks));
        output.WriteLine($"A invoked B's shards {string.Join(", ", takeover.Select(t => $"{t.Key} after {TimeSpan.FromTicks(t.Value - stopTicks).TotalSeconds:F2} s"))} of B's exit");
        // Released shards are taken on A's next round (every third of the failover time); a crashed host's would
        // take the whole failover time or more.
        Assert.True(latest < TimeSpan.FromSeconds(failoverSeconds * 2 / 3), $"A took {latest.TotalSeconds:F1} s to invoke B's released shards; it should take them on its next round ({failoverSeconds / 3:F1} s), not wait for the failover time ({failoverSeconds} s).");

        Assert.Empty(producer.Failures);
        Assert.Empty(ProbeAudit.Overlaps(lines, new Dictionary<string, int>()));
        Assert.All(bShards, shard => Assert.Equal("END", lines.Last(l => l.Host == "B" && l.Shard == shard).Kind));
        var sessions = ProbeAudit.Sessions(lines);
        Assert.Empty(ProbeAudit.OutOfOrder(sessions));
        foreach (var shard in bShards)
        {
            var deliveredBefore = lines.Where(l => l.IsStart && l.Shard == shard && l.Index < stoppedAt).SelectMany(l => l.Sequences).ToHashSet(StringComparer.Ordinal);
            var resumed = sessions.First(s => s.Shard == shard && s.Host == "A" && s.Starts[0].Index >= stoppedAt);
            var again = resumed.Sequences.Count(deliveredBefore.Contains);
            Assert.True(again == 0, $"{shard}: A re-delivered {again} records B had finished; B's checkpoint on stop was not used.");
        }
    }

    [Fact]
    public async Task AFunctionWithAnInvalidSetting_FailsStartUp_NamingTheFunctionAndTheSetting()
    {
        await using var host = TestFunctionsProcess.Start(_folder, new Dictionary<string, string>(), "--Host:extensions:streams:batchSize=0");
        var exitCode = await host.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Function Probe: BatchSize must be 1 to 10000 (was 0)", host.Output, StringComparison.Ordinal);
    }

    private async Task<HostPair> StartPairAsync(double failoverSeconds, TimeSpan checkpointInterval)
    {
        _azurite = await AzuriteServer.StartAsync();
        var stream = "probe-" + Guid.NewGuid().ToString("N")[..10];
        var probe = new ProbeFile(Path.Combine(_folder, "probe.log"));
        HostProcess Start(string name)
        {
            var directory = Directory.CreateDirectory(Path.Combine(_folder, name)).FullName;
            var host = TestFunctionsProcess.Start(directory, new Dictionary<string, string>
            {
                ["Platform__Storage__Backend"] = "AzureBlob",
                ["Platform__Storage__ConnectionString"] = _azurite.ConnectionString,
                ["Probe__Host"] = name,
                ["Probe__File"] = probe.Path,
                ["Probe__Stream"] = stream,
                ["Probe__SleepMilliseconds"] = "10",
                ["Host__extensions__streams__leaseFailoverSeconds"] = failoverSeconds.ToString(CultureInfo.InvariantCulture),
                ["Host__extensions__streams__checkpointIntervalMilliseconds"] = ((int)checkpointInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                ["Host__extensions__streams__pollIntervalMilliseconds"] = "100",
                ["Host__extensions__streams__drainTimeoutSeconds"] = "5",
                ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
                ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
            });
            _hosts.Add(host);
            return host;
        }

        var a = Start("A");
        var b = Start("B");
        await Task.WhenAll(a.WaitUntilHealthyAsync(_http, StartTimeout), b.WaitUntilHealthyAsync(_http, StartTimeout));

        // Both hosts heartbeat before the stream exists, so their first claims already split the shards.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var client = new KinesisClient(_http, a.BaseAddress, new AwsCredentials("AKIDTEST", "test-secret"));
        await client.CreateStreamAsync(new CreateStreamRequest { StreamName = stream, ShardCount = Shards });
        await Streams.KinesisTestStreams.WaitForActiveAsync(client, stream, Shards, TimeSpan.FromSeconds(15));
        return new HostPair(a, b, client, stream, probe);
    }

    /// <summary>Waits until each host has invoked two shards, and only those, for a second.</summary>
    private static async Task<Dictionary<string, string>> WaitForBalanceAsync(HostPair pair, TimeSpan timeout)
    {
        var probe = pair.Probe;
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        Dictionary<string, string> owners = [];
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var since = DateTime.UtcNow.Ticks - TimeSpan.TicksPerSecond;
            var recent = probe.Read().Where(l => l.IsStart && l.Ticks >= since).GroupBy(l => l.Shard).ToList();
            owners = recent.Where(g => g.Select(l => l.Host).Distinct().Count() == 1).ToDictionary(g => g.Key, g => g.First().Host, StringComparer.Ordinal);
            if (recent.Count == Shards && owners.Count == Shards && owners.Values.Count(h => h == "A") == 2)
            {
                return owners;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The hosts did not settle on two shards each in {timeout}; last second's invokers: {string.Join(", ", owners.Select(o => o.Key + "=" + o.Value))}.\n--- A ---\n{pair.A.Output}\n--- B ---\n{pair.B.Output}");
    }

    /// <summary>When <paramref name="host"/> first invoked each of <paramref name="shards"/> after line <paramref name="after"/> (UTC ticks).</summary>
    private static async Task<Dictionary<string, long>> WaitForTakeoverAsync(ProbeFile probe, string host, HashSet<string> shards, int after, TimeSpan timeout, HostPair pair)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var first = probe.Read().Where(l => l.IsStart && l.Index >= after && l.Host == host && shards.Contains(l.Shard))
                .GroupBy(l => l.Shard).ToDictionary(g => g.Key, g => g.First().Ticks, StringComparer.Ordinal);
            if (first.Count == shards.Count)
            {
                return first;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"{host} invoked only {string.Join(", ", first.Keys)} of {string.Join(", ", shards)} within {timeout}.\n--- A ---\n{pair.A.Output}\n--- B ---\n{pair.B.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until every acknowledged record was given to the function at least once; the probe lines then.</summary>
    private static async Task<IReadOnlyList<ProbeLine>> WaitForDeliveryAsync(ProbeFile probe, ProbeProducer producer, TimeSpan timeout, HostPair pair)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var acknowledged = producer.Acknowledged;
        Assert.NotEmpty(acknowledged);
        while (true)
        {
            var lines = probe.Read();
            var delivered = lines.Where(l => l.IsStart).SelectMany(l => l.Sequences.Select(s => (l.Shard, s))).ToHashSet();
            var missing = acknowledged.Where(a => !delivered.Contains(a)).ToList();
            if (missing.Count == 0)
            {
                return lines;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                Assert.Fail($"{missing.Count} of {acknowledged.Count} acknowledged records never reached the function, e.g. {string.Join(", ", missing.Take(5))}.\n--- A ---\n{pair.A.Output}");
            }

            await Task.Delay(200);
        }
    }

    private sealed record HostPair(HostProcess A, HostProcess B, KinesisClient Client, string Stream, ProbeFile Probe);
}
