using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Testing;
using Platform.Video.Ingest;
using Platform.Video.Ingest.WebRtc.Transport;
using Platform.Video.Ingest.WebRtc.Whip;
using Platform.Video.Media;
using Platform.Video.Player;

namespace Platform.Benchmarks.WebRtc;

/// <summary>
/// NACK recovery under loss: one 720p Chromium publisher for a while with a share of its RTP lost on the way in, and
/// the server's counters (video sequence numbers found missing, recovered after a NACK, given up; NACKs sent; video
/// frames dropped) beside Chromium's (NACKs received, packets retransmitted). Real <c>tc netem</c> on the namespace
/// link when the kernel has it; otherwise the WHIP transport's fault seam drops the same share of arriving RTP, which
/// needs the server in this process (the seam is not reachable in the host process by design).
/// </summary>
internal static class WhipNackRun
{
    public static async Task<string> RunAsync(WebRtcBenchOptions options, CancellationToken cancellationToken)
    {
        using var ns = TestNetworkNamespace.Create();
        var netem = ns.TryAddLoss(options.LossPercent);
        var faults = netem ? null : new RandomRtpLoss(options.LossPercent);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(o => o.Listen(ns.HostAddress, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Platform:Video:WebRtc:Port"] = "0",
            ["Platform:Video:WebRtc:BindAddress"] = ns.HostAddress.ToString(),
            ["Platform:Video:WebRtc:PublicAddresses:0"] = ns.HostAddress.ToString(),
        });
        builder.Services.AddSingleton<IMediaIngest, DiscardingIngest>();
        builder.Services.AddWhipIngest(builder.Configuration);
        if (faults is not null)
        {
            builder.Services.AddSingleton<IDatagramFaultInjector>(faults);
        }

        await using var app = builder.Build();
        app.MapWhip();
        app.MapVideoPlayer();
        await app.StartAsync(cancellationToken);
        WebRtcSessionStats stats;
        SenderStats? sender;
        try
        {
            var baseUrl = app.Urls.First();
            await using var publisher = ChromiumPublisher.Start(ns, WhipBench.PageUrl(baseUrl, "nack", statsSeconds: 2));
            await publisher.WaitForAsync("publishing", TimeSpan.FromSeconds(60), cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(options.NackSeconds), cancellationToken);
            var session = app.Services.GetRequiredService<WhipSessionManager>().Active.SingleOrDefault()
                ?? throw new InvalidOperationException($"the session ended early: {publisher.Log}");
            stats = session.Stats;
            sender = WhipBench.StatsAt(publisher, DateTimeOffset.UtcNow);
        }
        finally
        {
            await app.StopAsync(CancellationToken.None);
        }

        double Share(long part, long whole) => whole == 0 ? double.NaN : part * 100.0 / whole;
        var how = netem
            ? $"`tc qdisc add dev {ns.PeerInterface} root netem loss {options.LossPercent}%` inside the namespace (real link loss of everything Chromium sends)"
            : $"this kernel has no `sch_netem` (`tc … netem` answers \"qdisc kind is unknown\"), so the WHIP transport's fault seam (`IDatagramFaultInjector`, test-only) dropped {options.LossPercent}% of arriving RTP (video, audio and retransmissions alike) at random: {faults!.Dropped} datagrams";
        return new StringBuilder()
            .AppendLine($"## NACK recovery under {options.LossPercent}% loss")
            .AppendLine()
            .AppendLine($"One 720p publisher for {options.NackSeconds} s into a WHIP server in this process (real Kestrel, UDP, DTLS-SRTP and receive pipeline; the media goes to a discarding ingest). Loss: {how}. The server NACKs a gap within ~20 ms, again every 40 ms up to 3 times, and gives it up after the 300 ms reorder wait; no RTX is negotiated, so Chromium resends on the original SSRC.")
            .AppendLine()
            .AppendLine("| figure | value |")
            .AppendLine("|---|---|")
            .AppendLine($"| RTP packets the server decrypted (video and audio, incl. retransmissions) | {stats.RtpPackets} |")
            .AppendLine($"| video packets found missing (gaps) | {stats.VideoPacketsMissing}{(sender is null ? string.Empty : $" ({WhipBench.F(Share(stats.VideoPacketsMissing, sender.VideoPackets))}% of the {sender.VideoPackets} video packets Chromium sent)")} |")
            .AppendLine($"| NACK packets sent / sequence numbers asked for (with repeats) | {stats.NacksSent} / {stats.NackedPackets} |")
            .AppendLine($"| recovered by retransmission (NACKed, then arrived in time) | {stats.VideoPacketsRetransmitted} |")
            .AppendLine($"| recovered without a NACK (reordered) | {stats.VideoPacketsRecovered - stats.VideoPacketsRetransmitted} |")
            .AppendLine($"| given up after the wait | {stats.VideoPacketsLost} |")
            .AppendLine($"| **recovery rate (recovered / missing)** | **{WhipBench.F(Share(stats.VideoPacketsRecovered, stats.VideoPacketsMissing), "0.0")}%** |")
            .AppendLine($"| video frames delivered / dropped (damaged, or waiting for the next IDR) | {stats.VideoFrames} / {stats.DroppedVideoFrames} |")
            .AppendLine($"| PLIs sent (start, loss, 2 s after each keyframe) | {stats.PlisSent} |")
            .AppendLine(sender is null
                ? "| Chromium's view | no statistics |"
                : $"| Chromium's view: video packets sent / NACKs received / packets retransmitted | {sender.VideoPackets} / {sender.NackCount} / {sender.Retransmitted} ({sender.Width}x{sender.Height}, {sender.Encoder}) |")
            .ToString();
    }

    /// <summary>Drops a share of arriving RTP at random, counting what it dropped.</summary>
    private sealed class RandomRtpLoss(double percent) : IDatagramFaultInjector
    {
        private long _dropped;

        public long Dropped => Interlocked.Read(ref _dropped);

        public bool ShouldDrop(PacketKind kind)
        {
            if (kind != PacketKind.Rtp || Random.Shared.NextDouble() * 100 >= percent)
            {
                return false;
            }

            Interlocked.Increment(ref _dropped);
            return true;
        }
    }

    /// <summary>Admits every publisher and throws its media away: the NACK figures are about the receive path.</summary>
    private sealed class DiscardingIngest : IMediaIngest
    {
        public ValueTask<IPublishSession> StartPublishAsync(PublishRequest request, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IPublishSession>(new Session(request.StreamName));

        private sealed class Session(string streamName) : IPublishSession
        {
            public string StreamName => streamName;

            public ValueTask SetTrackAsync(TrackConfig config, CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask WriteAsync(AccessUnit unit, CancellationToken cancellationToken) => ValueTask.CompletedTask;

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
