namespace Platform.Video.Tests.Rtmp;

/// <summary>A raw-socket publisher that keeps sending 30 fps video and AAC frames until stopped: the bystander that bad connections must not disturb.</summary>
internal sealed class GoodPublisher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly RawRtmpClient _client;
    private readonly Task _loop;

    private GoodPublisher(RawRtmpClient client)
    {
        _client = client;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public static async Task<GoodPublisher> StartAsync(int port, string stream)
    {
        var client = await RawRtmpClient.ConnectAsync(port);
        await client.HandshakeAsync();
        var status = await client.PublishAsync(stream);
        Assert.Equal("NetStream.Publish.Start", status.GetString("code"));
        await client.SendVideoAsync(0, TestMedia.AvcSequenceHeader(TestMedia.AvcC(TestMedia.Sps320x240)));
        await client.SendAudioAsync(0, TestMedia.AacSequenceHeader(TestMedia.Asc48kStereo));
        return new GoodPublisher(client);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        for (uint frame = 0; !cancellationToken.IsCancellationRequested; frame++)
        {
            var keyframe = frame % 30 == 0;
            await _client.SendVideoAsync(frame * 33, TestMedia.AvcFrame(keyframe, 0, keyframe ? TestMedia.IdrSlice : TestMedia.NonIdrSlice));
            await _client.SendAudioAsync(frame * 33, TestMedia.AacFrame([0x21, 0x10, 0x04]));
            await Task.Delay(33, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
