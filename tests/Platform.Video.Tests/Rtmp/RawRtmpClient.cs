using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Platform.Video.Ingest.Rtmp;

namespace Platform.Video.Tests.Rtmp;

/// <summary>
/// A minimal RTMP publisher over a raw socket, for the cases ffmpeg never produces (bad bytes, refused publishes).
/// It frames messages with the server's own chunk writer and reads replies with its chunk reader; ffmpeg checks
/// interoperability separately.
/// </summary>
internal sealed class RawRtmpClient : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly ChunkWriter _writer = new();
    private readonly ChunkReader _reader = new(1024 * 1024);
    private readonly byte[] _receive = new byte[64 * 1024];
    private byte[] _pending = [];
    private double _transaction;

    private RawRtmpClient(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawRtmpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        return new RawRtmpClient(client);
    }

    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public async Task HandshakeAsync()
    {
        var c0c1 = new byte[1537];
        c0c1[0] = 3;
        Random.Shared.NextBytes(c0c1.AsSpan(9));
        await SendRawAsync(c0c1);
        var s0s1s2 = new byte[3073];
        await _stream.ReadExactlyAsync(s0s1s2);
        if (s0s1s2[0] != 3 || !s0s1s2.AsSpan(1537).SequenceEqual(c0c1.AsSpan(1)))
        {
            throw new InvalidOperationException("S0 is not version 3 or S2 does not echo C1.");
        }

        await SendRawAsync(s0s1s2[1..1537]);
    }

    public async Task SendMessageAsync(int chunkStreamId, byte typeId, uint streamId, uint timestamp, byte[] payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _writer.Write(buffer, chunkStreamId, typeId, streamId, timestamp, payload);
        await _stream.WriteAsync(buffer.WrittenMemory);
    }

    public async Task SetChunkSizeAsync(int size)
    {
        var payload = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(payload, size);
        await SendMessageAsync(2, RtmpMessageType.SetChunkSize, 0, 0, payload);
        _writer.ChunkSize = size;
    }

    public Task SendCommandAsync(uint streamId, string name, params object?[] arguments) =>
        SendMessageAsync(3, RtmpMessageType.CommandAmf0, streamId, 0, Command(name, ++_transaction, arguments));

    public static byte[] Command(string name, double transaction, params object?[] arguments)
    {
        var body = new ArrayBufferWriter<byte>();
        Amf0Writer.Write(body, name);
        Amf0Writer.Write(body, transaction);
        foreach (var argument in arguments)
        {
            Amf0Writer.Write(body, argument);
        }

        return body.WrittenSpan.ToArray();
    }

    /// <summary>connect to <paramref name="app"/>; returns the reply's name (<c>_result</c> or <c>_error</c>) and its information object.</summary>
    public async Task<(string Name, AmfObject? Info)> ConnectAppAsync(string app = "live")
    {
        await SendCommandAsync(0, "connect", new AmfObject().Add("app", app).Add("type", "nonprivate").Add("tcUrl", $"rtmp://127.0.0.1/{app}"));
        var reply = await ReadCommandAsync(static c => c.Name is "_result" or "_error");
        return (reply.Name, reply.Values.Count > 3 ? reply.Values[3] as AmfObject : null);
    }

    /// <summary>connect, createStream and publish; returns the onStatus information object.</summary>
    public async Task<AmfObject> PublishAsync(string target)
    {
        var (name, _) = await ConnectAppAsync();
        Assert.Equal("_result", name);
        await SendCommandAsync(0, "createStream", [null]);
        var created = await ReadCommandAsync(static c => c.Name == "_result");
        var streamId = (uint)(double)created.Values[3]!;
        await SendMessageAsync(8, RtmpMessageType.CommandAmf0, streamId, 0, Command("publish", 0, null, target, "live"));
        var status = await ReadCommandAsync(static c => c.Name == "onStatus");
        return (AmfObject)status.Values[3]!;
    }

    public Task SendVideoAsync(uint timestamp, byte[] body) => SendMessageAsync(6, RtmpMessageType.Video, 1, timestamp, body);

    public Task SendAudioAsync(uint timestamp, byte[] body) => SendMessageAsync(4, RtmpMessageType.Audio, 1, timestamp, body);

    public async Task<(string Name, List<object?> Values)> ReadCommandAsync(Func<(string Name, List<object?> Values), bool> match)
    {
        while (true)
        {
            using var message = await ReadMessageAsync() ?? throw new InvalidOperationException("The server closed the connection before replying.");
            if (message.TypeId != RtmpMessageType.CommandAmf0)
            {
                continue;
            }

            var values = Decode(message.Payload);
            var command = ((string)values[0]!, values);
            if (match(command))
            {
                return command;
            }
        }
    }

    /// <summary>The next message from the server, or null once it closed the connection.</summary>
    public async Task<RtmpMessage?> ReadMessageAsync()
    {
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_pending);
            var found = _reader.TryReadMessage(ref sequence, out var message);
            _pending = sequence.ToArray();
            if (found)
            {
                return message;
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_receive).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (IOException)
            {
                return null; // reset by the server counts as closed
            }

            if (read == 0)
            {
                return null;
            }

            _pending = [.. _pending, .. _receive.AsSpan(0, read)];
        }
    }

    /// <summary>True when the server closes the connection within <paramref name="timeout"/> (whatever it sent before).</summary>
    public async Task<bool> ClosedByServerWithinAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                if (await _stream.ReadAsync(_receive, cts.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    private static List<object?> Decode(ReadOnlySpan<byte> payload)
    {
        var reader = new Amf0Reader(payload);
        var values = new List<object?>();
        while (!reader.End)
        {
            values.Add(reader.ReadValue());
        }

        return values;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        _reader.Reset();
        return ValueTask.CompletedTask;
    }
}
