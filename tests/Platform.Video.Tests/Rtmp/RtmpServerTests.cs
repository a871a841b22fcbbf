using System.Buffers.Binary;
using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Video.Ingest;
using Platform.Video.Ingest.Rtmp;
using Platform.Video.Media;

namespace Platform.Video.Tests.Rtmp;

/// <summary>The server over real sockets, driven by a raw RTMP client for the exchanges ffmpeg never produces.</summary>
public sealed class RtmpServerTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Publish_PassesTheStreamNameAndKeyAndDeliversConfigsAndUnits()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();

        var status = await client.PublishAsync("cam7?key=s%3Dcret&x=1");
        await client.SendVideoAsync(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));
        await client.SendCommandAsync(0, "getStreamLength", null, "cam7"); // unknown commands are ignored
        await client.SendVideoAsync(0, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice));
        await client.SendMessageAsync(6, RtmpMessageType.Aggregate, 1, 1000, [.. FlvTag(9, 500, TestMedia.AvcFrame(false, 0, TestMedia.NonIdrSlice)), .. FlvTag(9, 533, TestMedia.AvcFrame(false, 0, TestMedia.NonIdrSlice))]);
        await client.SendCommandAsync(1, "deleteStream", null, 1.0);

        Assert.Equal(("status", "NetStream.Publish.Start"), (status.GetString("level"), status.GetString("code")));
        var session = await server.Ingest.WaitForSessionAsync("cam7", Wait);
        await session.Disposed.WaitAsync(Wait);
        Assert.Equal(("rtmp", "s=cret"), (session.Request.Protocol, session.Request.Credential));
        Assert.Equal(TrackKind.Video, Assert.Single(session.Configs).Kind);
        var units = session.Units;
        Assert.Equal([true, false, false], units.Select(u => u.IsKeyframe));
        Assert.Equal([0L, 1000L * 90, 1033L * 90], units.Select(u => u.Dts)); // aggregate tags rebased on the message's timestamp
    }

    /// <summary>One FLV tag (header, body, previous tag size) as aggregate messages carry them.</summary>
    private static byte[] FlvTag(byte type, uint timestamp, byte[] body)
    {
        var tag = new byte[11 + body.Length + 4];
        tag[0] = type;
        tag[1] = (byte)(body.Length >> 16);
        tag[2] = (byte)(body.Length >> 8);
        tag[3] = (byte)body.Length;
        tag[4] = (byte)(timestamp >> 16);
        tag[5] = (byte)(timestamp >> 8);
        tag[6] = (byte)timestamp;
        tag[7] = (byte)(timestamp >> 24);
        body.CopyTo(tag, 11);
        BinaryPrimitives.WriteUInt32BigEndian(tag.AsSpan(11 + body.Length), (uint)(11 + body.Length));
        return tag;
    }

    [Fact]
    public async Task ASecondPublisherToALiveStream_IsRefusedWithAnOnStatusError()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var first = await GoodPublisher.StartAsync(server.Port, "busy");
        await using var second = await RawRtmpClient.ConnectAsync(server.Port);
        await second.HandshakeAsync();

        var status = await second.PublishAsync("busy");

        Assert.Equal(("error", "NetStream.Publish.BadName"), (status.GetString("level"), status.GetString("code")));
        Assert.Contains("already has a live publisher", status.GetString("description"), StringComparison.Ordinal);
        Assert.True(await second.ClosedByServerWithinAsync(Wait));
        var live = await server.Ingest.WaitForSessionAsync("busy", Wait);
        var before = live.UnitCount;
        await Task.Delay(300);
        Assert.True(live.UnitCount > before, "the first publisher kept publishing");
        Assert.Single(server.Ingest.Sessions);
    }

    [Fact]
    public async Task AWrongPublishKey_IsRefusedAsUnauthorized()
    {
        await using var server = await RtmpTestServer.StartAsync();
        server.Ingest.Keys["locked"] = "right";
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();

        var status = await client.PublishAsync("locked?key=wrong");

        Assert.Equal(("error", "NetStream.Publish.Unauthorized"), (status.GetString("level"), status.GetString("code")));
        Assert.True(await client.ClosedByServerWithinAsync(Wait));
        await server.Log.WaitForAsync("publish to locked refused (BadCredential)", Wait);
    }

    [Fact]
    public async Task ConnectToAnApplicationOtherThanLive_IsRejected()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();

        var (name, info) = await client.ConnectAppAsync("vod");

        Assert.Equal("_error", name);
        Assert.Equal("NetConnection.Connect.Rejected", info?.GetString("code"));
        Assert.True(await client.ClosedByServerWithinAsync(Wait));
    }

    [Fact]
    public async Task PingRequests_AreAnsweredWithPingResponses()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();

        await client.SendMessageAsync(2, RtmpMessageType.UserControl, 0, 0, [0, 6, 0x12, 0x34, 0x56, 0x78]);

        using var reply = await client.ReadMessageAsync();
        Assert.Equal(RtmpMessageType.UserControl, reply!.TypeId);
        Assert.Equal(new byte[] { 0, 7, 0x12, 0x34, 0x56, 0x78 }, reply.Payload.ToArray());
    }

    [Fact]
    public async Task Acknowledgements_AreSentEachTimeThePeersWindowIsCrossed()
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.SendMessageAsync(2, RtmpMessageType.WindowAcknowledgementSize, 0, 0, [0, 0, 0x10, 0]); // 4096 bytes

        var acks = new List<uint>();
        for (var i = 0; i < 3; i++)
        {
            await client.SendMessageAsync(3, RtmpMessageType.DataAmf0, 0, 0, RawRtmpClient.Command("ignored", 0, new string('x', 5000)));
            using var message = await client.ReadMessageAsync().WaitAsync(Wait);
            Assert.Equal(RtmpMessageType.Acknowledgement, message!.TypeId);
            acks.Add(BinaryPrimitives.ReadUInt32BigEndian(message.Payload));
        }

        // Each message is larger than the window, so each is acknowledged; an ack counts everything received, handshake included.
        Assert.True(acks[0] >= 3073 + 4096 && acks[1] - acks[0] > 5000 && acks[2] - acks[1] > 5000, string.Join(",", acks));
    }

    public static TheoryData<string> BadInputs => ["random bytes", "truncated handshake", "wrong version", "oversized message", "malformed AMF", "NALUs before the sequence header", "unknown message type", "AMF3 command", "closed mid-chunk", "session refuses a unit", "timestamps jump backwards", "chunk size zero"];

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInput_ClosesOnlyItsOwnConnection_WithALoggedReason(string badInput)
    {
        await using var server = await RtmpTestServer.StartAsync();
        await using var good = await GoodPublisher.StartAsync(server.Port, "good");
        var goodSession = await server.Ingest.WaitForSessionAsync("good", Wait);
        await using var bad = await RawRtmpClient.ConnectAsync(server.Port);

        var expectedReason = await SendBadInputAsync(bad, badInput, server);

        if (badInput is not "closed mid-chunk" and not "truncated handshake")
        {
            Assert.True(await bad.ClosedByServerWithinAsync(Wait), "the server closed the bad connection");
        }

        await server.Log.WaitForAsync(expectedReason, Wait);
        if (server.Ingest.Sessions.FirstOrDefault(s => s.StreamName == "bad") is { } badSession)
        {
            await badSession.Disposed.WaitAsync(Wait);
        }

        // The good publisher sends a unit every 33 ms; on a loaded machine a few may come late, so allow it the usual
        // wait to get one more through (a closed or stalled session never does).
        var before = goodSession.UnitCount;
        var deadline = DateTime.UtcNow + Wait;
        while (goodSession.UnitCount <= before + 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(goodSession.UnitCount > before + 2, "the good publisher kept publishing");
        Assert.False(goodSession.Disposed.IsCompleted);
    }

    private static async Task<string> SendBadInputAsync(RawRtmpClient bad, string badInput, RtmpTestServer server)
    {
        switch (badInput)
        {
            case "random bytes":
                var noise = new byte[5000];
                new Random(5).NextBytes(noise);
                noise[0] = 0x42;
                await bad.SendRawAsync(noise);
                return "is not RTMP version 3";
            case "truncated handshake":
                await bad.SendRawAsync([3, 1, 2, 3]);
                await bad.DisposeAsync();
                return "closed during the handshake";
            case "wrong version":
                await bad.SendRawAsync([6, .. new byte[1536]]);
                return "handshake version 6";
            case "oversized message":
                await bad.HandshakeAsync();
                await bad.SendRawAsync([0x06, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 1, 0, 0, 0]);
                return "exceeds the";
            case "malformed AMF":
                await bad.HandshakeAsync();
                await bad.SendMessageAsync(3, RtmpMessageType.CommandAmf0, 0, 0, [0x02, 0x00, 0x07, (byte)'c', (byte)'o', 0x05, 0x03, 0x00]);
                return "AMF0";
            case "NALUs before the sequence header":
                await bad.HandshakeAsync();
                await bad.PublishAsync("bad");
                await bad.SendVideoAsync(0, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice));
                return "video before AVC sequence header";
            case "unknown message type":
                await bad.HandshakeAsync();
                await bad.SendMessageAsync(3, 0x42, 0, 0, [1, 2, 3]);
                return "unknown RTMP message type 66";
            case "AMF3 command":
                await bad.HandshakeAsync();
                await bad.SendMessageAsync(3, RtmpMessageType.CommandAmf3, 0, 0, [0, .. RawRtmpClient.Command("connect", 1, (object?)null)]);
                return "AMF3 commands are not supported";
            case "closed mid-chunk":
                await bad.HandshakeAsync();
                await bad.PublishAsync("bad");
                await bad.SendVideoAsync(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));
                await bad.SendRawAsync([0x06, 0, 0, 0x21, 0, 0x01, 0x00, 9, 1, 0, 0, 0, 0x17, 1, 0, 0]);
                await bad.DisposeAsync();
                return "closed in the middle of a chunk";
            case "session refuses a unit":
                await bad.HandshakeAsync();
                await bad.PublishAsync("bad");
                (await server.Ingest.WaitForSessionAsync("bad", Wait)).RejectUnit = static _ => true;
                await bad.SendVideoAsync(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));
                await bad.SendVideoAsync(0, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice));
                return "test session refuses this unit";
            case "timestamps jump backwards":
                await bad.HandshakeAsync();
                await bad.PublishAsync("bad");
                await bad.SendVideoAsync(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));
                await bad.SendVideoAsync(60_000, TestMedia.AvcFrame(true, 0, TestMedia.IdrSlice));
                await bad.SendVideoAsync(1_000, TestMedia.AvcFrame(false, 0, TestMedia.NonIdrSlice));
                return "video timestamps went backwards by 59000 ms";
            case "chunk size zero":
                await bad.HandshakeAsync();
                await bad.SendMessageAsync(2, RtmpMessageType.SetChunkSize, 0, 0, [0, 0, 0, 0]);
                return "Set Chunk Size 0";
            default:
                throw new ArgumentOutOfRangeException(nameof(badInput), badInput, null);
        }
    }

    [Fact]
    public async Task ManyPublishers_PublishConcurrentlyOnOneServer()
    {
        await using var server = await RtmpTestServer.StartAsync();
        var publishers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => GoodPublisher.StartAsync(server.Port, $"cam{i}")));
        try
        {
            var sessions = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => server.Ingest.WaitForSessionAsync($"cam{i}", Wait)));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (sessions.Any(s => s.UnitCount < 20) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.All(sessions, s => Assert.True(s.UnitCount >= 20, $"{s.StreamName} got {s.UnitCount} units"));
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                await publisher.DisposeAsync();
            }
        }

        // Publishers that close their sockets end their sessions.
        await Task.WhenAll(server.Ingest.Sessions.Select(s => s.Disposed.WaitAsync(Wait)));
    }

    [Fact]
    public async Task StartingOnAPortInUse_FailsNamingTheSetting()
    {
        await using var first = await RtmpTestServer.StartAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => RtmpTestServer.StartAsync(o => o.Port = first.Port));

        Assert.Contains("Platform:Video:Rtmp", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClientThatNeverCompletesTheHandshake_IsClosedAfterTheHandshakeTimeout()
    {
        await using var server = await RtmpTestServer.StartAsync(static o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(500));
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        var started = Stopwatch.StartNew();

        await client.SendRawAsync([3]);

        Assert.True(await client.ClosedByServerWithinAsync(Wait));
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
        await server.Log.WaitForAsync("handshake not completed in time", Wait);
    }

    [Fact]
    public async Task AnIdlePublisher_IsClosedAndItsSessionEnded()
    {
        // 2 s, not less: the client's connect, createStream and publish each wait for the server's reply, and under CI's
        // load (several test assemblies on two cores) a gap of more than 700 ms between them once got the connection
        // closed as idle before the publish was answered.
        await using var server = await RtmpTestServer.StartAsync(static o => o.IdleTimeout = TimeSpan.FromSeconds(2));
        await using var client = await RawRtmpClient.ConnectAsync(server.Port);
        await client.HandshakeAsync();
        await client.PublishAsync("quiet");

        Assert.True(await client.ClosedByServerWithinAsync(Wait));
        await (await server.Ingest.WaitForSessionAsync("quiet", Wait)).Disposed.WaitAsync(Wait);
        await server.Log.WaitForAsync("nothing received within the idle timeout", Wait);
    }

    [Fact]
    public async Task ConnectionsBeyondMaxConnections_AreClosedAtOnce()
    {
        await using var server = await RtmpTestServer.StartAsync(static o => o.MaxConnections = 1);
        await using var first = await RawRtmpClient.ConnectAsync(server.Port);
        await first.HandshakeAsync();
        await using var second = await RawRtmpClient.ConnectAsync(server.Port);

        Assert.True(await second.ClosedByServerWithinAsync(Wait));
        await server.Log.WaitForAsync("1 connections already open", Wait);
    }

    [Fact]
    public async Task AddRtmpIngest_StartsTheServerFromConfiguration()
    {
        using var host = BuildHost(new() { ["Platform:Video:Rtmp:BindAddress"] = "127.0.0.1", ["Platform:Video:Rtmp:Port"] = "0" });

        await host.StartAsync();
        try
        {
            await using var client = await RawRtmpClient.ConnectAsync(host.Services.GetRequiredService<RtmpServer>().Port);
            await client.HandshakeAsync();
            Assert.Equal("_result", (await client.ConnectAppAsync()).Name);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task AddRtmpIngest_FailsStartUpNamingTheBadKey()
    {
        using var host = BuildHost(new() { ["Platform:Video:Rtmp:MaxMessageSize"] = "10", ["Platform:Video:Rtmp:BindAddress"] = "localhost:1" });

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Platform:Video:Rtmp:MaxMessageSize", e.Message, StringComparison.Ordinal);
        Assert.Contains("Platform:Video:Rtmp:BindAddress", e.Message, StringComparison.Ordinal);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddSingleton<IMediaIngest, RecordingIngest>();
        builder.Services.AddRtmpIngest(builder.Configuration);
        return builder.Build();
    }
}
