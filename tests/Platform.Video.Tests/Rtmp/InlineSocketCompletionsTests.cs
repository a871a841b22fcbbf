using System.Net;
using System.Net.Sockets;
using Platform.Video.Ingest.Rtmp;

namespace Platform.Video.Tests.Rtmp;

/// <summary>
/// The switch is internal to the runtime and set by reflection: a runtime that renamed or dropped it would silently
/// bring back a thread-pool hop per socket read (about a quarter of a stream's CPU), so these fail instead.
/// </summary>
public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public async Task TryEnable_MakesAPendingReceiveCompleteOnTheSocketEventThread_NotOnTheThreadPool()
    {
        Assert.True(await ReceiveCompletesOnThreadPoolAsync(inline: false));
        Assert.False(await ReceiveCompletesOnThreadPoolAsync(inline: true));
    }

    private static async Task<bool> ReceiveCompletesOnThreadPoolAsync(bool inline)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var token = timeout.Token;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!, token);
        using var server = await listener.AcceptAsync(token);
        if (inline)
        {
            Assert.True(InlineSocketCompletions.TryEnable(server), "System.Net.Sockets.Socket has no internal bool PreferInlineCompletions any more");
        }

        var buffer = new byte[16];
        var receive = server.ReceiveAsync(buffer, SocketFlags.None, token);
        Assert.False(receive.IsCompleted); // pending, so its completion comes from the event thread

        // The continuation is attached before anything is sent, so it cannot find the receive already completed.
        var observed = ObserveAsync(receive);
        await client.SendAsync(new byte[] { 1, 2, 3 }, SocketFlags.None, token);
        return await observed;
    }

    private static async Task<bool> ObserveAsync(ValueTask<int> receive)
    {
        // Without a context to return to (as in the RTMP server), the code after the await runs where the receive completed.
        Assert.Equal(3, await receive.ConfigureAwait(false));
        return Thread.CurrentThread.IsThreadPoolThread;
    }
}
