using System.Diagnostics;
using System.Text;
using Platform.Testing;
using Platform.Video.Media;
using Platform.Video.Media.Fragmenting;
using Platform.Video.Media.H264;
using Xunit.Abstractions;

namespace Platform.Video.Tests.WebRtc;

/// <summary>
/// Headless Chromium publishes its fake camera and microphone over WHIP from a page the host serves, inside a network
/// namespace; the recording ingest must receive decodable H.264 with keyframes and Opus, also under 2% loss.
/// </summary>
public sealed class ChromiumWhipTests(ITestOutputHelper output)
{
    private const string Page = """
        <!doctype html><html><body><script>
        (async () => {
          try {
            const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360 }, audio: true });
            const pc = new RTCPeerConnection();
            pc.onconnectionstatechange = () => console.log('whip-test connection ' + pc.connectionState);
            for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly' });
            await pc.setLocalDescription(await pc.createOffer());
            const response = await fetch('/whip/' + new URLSearchParams(location.search).get('stream'),
              { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp });
            const answer = await response.text();
            console.log('whip-test POST ' + response.status);
            if (response.status !== 201) { console.log('whip-test refused ' + answer); return; }
            await pc.setRemoteDescription({ type: 'answer', sdp: answer });
          } catch (e) { console.log('whip-test error ' + e); }
        })();
        </script></body></html>
        """;

    [Fact]
    public async Task Chromium_PublishesH264KeyframesAndOpusOverWhip_WhileGarbageHitsThePort()
    {
        var (units, configs, stats, _) = await PublishAsync(lossPercent: 0, minimumKeyframes: 2, garbage: true);
        AssertDecodableStream(units, configs);
        AssertFragmentsDecode(units, configs);
        Assert.Equal(0, stats.SrtpFailures);
    }

    [Fact]
    public async Task Chromium_UnderTwoPercentLoss_NackRecoveryStillYieldsCompleteKeyframes()
    {
        var (units, configs, stats, _) = await PublishAsync(lossPercent: 2, minimumKeyframes: 3, untilNacked: true);
        Assert.True(stats.NackedPackets > 0, "Under loss the server should have asked for retransmissions.");
        AssertDecodableStream(units, configs);
        output.WriteLine($"video frames {stats.VideoFrames}, dropped {stats.DroppedVideoFrames}, NACKed packets {stats.NackedPackets}, PLIs {stats.PlisSent}");
    }

    private static async Task<(IReadOnlyList<AccessUnit> Units, IReadOnlyList<TrackConfig> Configs, global::Platform.Video.Ingest.WebRtc.Transport.WebRtcSessionStats Stats, string Log)> PublishAsync(
        double lossPercent, int minimumKeyframes, bool untilNacked = false, bool garbage = false)
    {
        if (!File.Exists("/usr/bin/chromium"))
        {
            throw new InvalidOperationException("Chromium is needed: install the Debian package chromium.");
        }

        using var ns = TestNetworkNamespace.Create();

        // tc netem on the namespace link is the real thing; kernels without sch_netem (some VMs) get the same random
        // loss of arriving RTP from the transport's fault seam instead.
        var faults = lossPercent > 0 && !ns.TryAddLoss(lossPercent) ? new RandomRtpLoss(lossPercent) : null;
        await using var host = await WhipTestHost.StartAsync(ns.HostAddress, page: Page, faults: faults);
        var profile = Directory.CreateTempSubdirectory("whip-chromium-");
        var log = new StringBuilder();
        var origin = host.BaseAddress.GetLeftPart(UriPartial.Authority);
        var start = new ProcessStartInfo("ip")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in new[]
        {
            "netns", "exec", ns.Name, "/usr/bin/chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.FullName,
            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", "--disable-features=WebRtcHideLocalIpsWithMdns",
            "--unsafely-treat-insecure-origin-as-secure=" + origin, "--enable-logging=stderr", "--v=0",
            origin + "/publish.html?stream=cam1",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var chromium = Process.Start(start)!;
        chromium.ErrorDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("whip-test", StringComparison.Ordinal) == true)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        chromium.BeginErrorReadLine();
        chromium.BeginOutputReadLine();
        using var stopGarbage = new CancellationTokenSource();
        var garbageTask = garbage ? SendGarbageAsync(host.Transport.LocalEndPoint, stopGarbage.Token) : Task.CompletedTask;
        try
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < TimeSpan.FromSeconds(40))
            {
                await Task.Delay(250);
                var recorded = host.Ingest.Sessions is [var r, ..] ? r : null;
                var units = recorded?.Units ?? [];
                if (units.Count(u => u.Track == TrackKind.Video && u.IsKeyframe) >= minimumKeyframes &&
                    units.Count(u => u.Track == TrackKind.Audio) >= 100 &&
                    (!untilNacked || host.Sessions.Active is [{ Stats.NackedPackets: > 0 }]))
                {
                    var session = Assert.Single(host.Sessions.Active);
                    Assert.Null(recorded!.ContractViolation);
                    return (units, recorded.Configs, session.Stats, log.ToString());
                }
            }

            var summary = host.Ingest.Sessions is [var s, ..]
                ? $"{s.Units.Count(u => u.Track == TrackKind.Video)} video ({s.Units.Count(u => u.IsKeyframe && u.Track == TrackKind.Video)} key), {s.Units.Count(u => u.Track == TrackKind.Audio)} audio units"
                : "no publish session";
            throw new TimeoutException($"Chromium did not publish enough media in 40 s: {summary}. Page log:\n{log}\nServer log:\n{host.Log.Text}");
        }
        finally
        {
            await stopGarbage.CancelAsync();
            await garbageTask;
            if (!chromium.HasExited)
            {
                chromium.Kill(entireProcessTree: true);
                await chromium.WaitForExitAsync();
            }

            chromium.Dispose();
            profile.Delete(recursive: true);
        }
    }

    /// <summary>Random STUN-, DTLS-, RTP- and RTCP-looking datagrams from another address, a bounded number per second.</summary>
    private static async Task SendGarbageAsync(System.Net.IPEndPoint server, CancellationToken cancellationToken)
    {
        using var udp = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(server.Address, 0));
        var random = new Random(5);
        byte[] firsts = [0x00, 0x01, 22, 23, 0x80, 0x90, 0x81];
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                for (var i = 0; i < 20; i++)
                {
                    var junk = new byte[random.Next(1, 1200)];
                    random.NextBytes(junk);
                    junk[0] = firsts[random.Next(firsts.Length)];
                    await udp.SendAsync(junk, server, cancellationToken);
                }

                await Task.Delay(20, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class RandomRtpLoss(double percent) : global::Platform.Video.Ingest.WebRtc.Transport.IDatagramFaultInjector
    {
        public bool ShouldDrop(global::Platform.Video.Ingest.WebRtc.Transport.PacketKind kind) =>
            kind == global::Platform.Video.Ingest.WebRtc.Transport.PacketKind.Rtp && Random.Shared.NextDouble() * 100 < percent;
    }

    /// <summary>The same units through the platform's fragmenter give fMP4 that ffmpeg decodes (video and Opus audio).</summary>
    private void AssertFragmentsDecode(IReadOnlyList<AccessUnit> units, IReadOnlyList<TrackConfig> configs)
    {
        var fragmenter = new Fragmenter(new FragmenterOptions(), DateTimeOffset.UtcNow);
        var outputs = new List<FragmentOutput>();
        fragmenter.SetTrack(configs.First(c => c.Kind == TrackKind.Video), outputs);
        fragmenter.SetTrack(configs.First(c => c.Kind == TrackKind.Audio), outputs);
        foreach (var unit in units)
        {
            fragmenter.Add(unit, outputs);
        }

        fragmenter.Flush(outputs);
        using var file = new MemoryStream();
        var inits = 0;
        foreach (var item in outputs)
        {
            if (item is InitSegment init && ++inits == 1)
            {
                file.Write(init.Data.Span);
            }
            else if (item is MediaFragment fragment && inits == 1)
            {
                file.Write(fragment.Data.Span);
            }
        }

        Assert.Contains(outputs, o => o is MediaFragment);
        RunFfmpeg(file.ToArray(), ".mp4");
    }

    /// <summary>Every video unit holds whole NAL units, keyframes hold an IDR, and ffmpeg decodes the stream without errors.</summary>
    private void AssertDecodableStream(IReadOnlyList<AccessUnit> units, IReadOnlyList<TrackConfig> configs)
    {
        var video = configs.First(c => c.Kind == TrackKind.Video);
        Assert.Equal(MediaCodec.H264, video.Codec);
        Assert.True(video.Width > 0 && video.Height > 0);
        var audio = configs.First(c => c.Kind == TrackKind.Audio);
        Assert.Equal(MediaCodec.Opus, audio.Codec);
        Assert.Equal(48_000, audio.Timescale);

        var avc = AvcDecoderConfiguration.Parse(video.CodecPrivate.Span);
        using var annexB = new MemoryStream();
        foreach (var sps in avc.SequenceParameterSets)
        {
            annexB.Write([0, 0, 0, 1]);
            annexB.Write(sps.Span);
        }

        foreach (var pps in avc.PictureParameterSets)
        {
            annexB.Write([0, 0, 0, 1]);
            annexB.Write(pps.Span);
        }

        var first = true;
        foreach (var unit in units.Where(u => u.Track == TrackKind.Video))
        {
            var nals = NalUnits.SplitLengthPrefixed(unit.Data.Span);
            Assert.NotEmpty(nals);
            var hasIdr = nals.Any(r => NalUnits.TypeOf(unit.Data.Span[r]) == NalUnitType.IdrSlice);
            Assert.Equal(unit.IsKeyframe, hasIdr);
            Assert.True(!first || unit.IsKeyframe, "The first video unit must be a keyframe.");
            first = false;
            annexB.Write(NalUnits.LengthPrefixedToAnnexB(unit.Data.Span));
        }

        RunFfmpeg(annexB.ToArray(), ".h264");
    }

    private void RunFfmpeg(byte[] media, string extension)
    {
        var file = Path.Combine(Path.GetTempPath(), "whip-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllBytes(file, media);
        try
        {
            using var ffmpeg = Process.Start(new ProcessStartInfo("ffmpeg", $"-v error -i {file} -fps_mode passthrough -f null -") { RedirectStandardError = true })
                ?? throw new InvalidOperationException("ffmpeg (Debian package ffmpeg) is needed.");
            var errors = ffmpeg.StandardError.ReadToEnd();
            ffmpeg.WaitForExit();
            output.WriteLine(errors);
            Assert.Equal(0, ffmpeg.ExitCode);

            // The null muxer complains when variable-rate frames round to one tick of its time base; that is about
            // ffmpeg's output side, not decoding, so only decoder and demuxer messages count.
            var decodeErrors = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => !line.Contains("non monotonically increasing dts to muxer", StringComparison.Ordinal));
            Assert.Empty(decodeErrors);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
