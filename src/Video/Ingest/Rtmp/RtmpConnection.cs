using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// One RTMP client: handshake, then messages until the peer leaves, breaks a rule or the server stops. Whatever
/// happens, the publish session it opened is disposed, so what was stored stays playable and the stream is free.
/// Split by concern: this file runs the connection, <c>.Commands</c> answers AMF commands, <c>.Media</c> feeds the
/// publish session.
/// </summary>
internal sealed partial class RtmpConnection(long id, Socket socket, RtmpOptions options, IMediaIngest ingest, TimeProvider timeProvider, ILogger logger)
{
    private const int HandshakeSize = 1536;

    private readonly string _remote = socket.RemoteEndPoint?.ToString() ?? "?";
    private readonly ChunkReader _chunks = new(options.MaxMessageSize);
    private readonly ChunkWriter _writer = new();
    private readonly ArrayBufferWriter<byte> _body = new(256);
    private PipeReader _input = null!;
    private PipeWriter _output = null!;
    private long _peerWindow;
    private long _lastAcknowledged;
    private string? _closeReason;
    private CancellationTokenSource _timeout = null!;
    private string _waitingFor = "handshake";

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        RtmpLog.Accepted(logger, id, _remote);
        socket.NoDelay = true;
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        _output = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        // One timer, re-armed for each wait on the peer: the handshake, each read, and each flush (a peer that stops
        // reading would otherwise park the connection forever on a full send buffer).
        using var timeout = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        _timeout = timeout;
        try
        {
            timeout.CancelAfter(options.HandshakeTimeout);
            await HandshakeAsync(linked.Token);
            var reason = await ReadMessagesAsync(linked.Token);
            RtmpLog.Closed(logger, id, _remote, reason);
        }
        catch (Exception e) when (e is RtmpProtocolException or InvalidDataException)
        {
            // RtmpProtocolException, and IPublishSession.WriteAsync refusing a unit: the publisher's fault.
            RtmpLog.ProtocolViolation(logger, id, _remote, e.Message);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            var reason = _waitingFor switch
            {
                "handshake" => "handshake not completed in time",
                "flush" => "the peer stopped reading (send timed out)",
                _ => "nothing received within the idle timeout",
            };
            RtmpLog.ProtocolViolation(logger, id, _remote, reason);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            RtmpLog.Closed(logger, id, _remote, "server stopping");
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            var reason = "connection lost: " + e.Message;
            RtmpLog.Closed(logger, id, _remote, reason);
        }
        catch (Exception e)
        {
            RtmpLog.Failed(logger, id, _remote, e);
        }
        finally
        {
            await EndPublishAsync();
            _chunks.Reset();
            await _input.CompleteAsync();
            await _output.CompleteAsync();
        }
    }

    /// <summary>
    /// The simple handshake of RTMP 1.0 section 5.2: C0 must be version 3; S1 carries our time and random bytes with
    /// a zero version field (so clients skip digest checks), S2 echoes C1. Clients that send a digest-style C1
    /// (ffmpeg, OBS) accept this; C2 is read and not checked, as no client relies on that.
    /// </summary>
    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        var c0c1 = await ReadExactlyAsync(1 + HandshakeSize, "C0+C1", cancellationToken);
        if (c0c1[0] != 3)
        {
            throw new RtmpProtocolException($"handshake version {c0c1[0]} is not RTMP version 3 (encrypted RTMPE is not supported)");
        }

        var reply = _output.GetSpan(1 + (2 * HandshakeSize))[..(1 + (2 * HandshakeSize))];
        reply[0] = 3;
        var s1 = reply.Slice(1, HandshakeSize);
        BinaryPrimitives.WriteUInt32BigEndian(s1, (uint)timeProvider.GetTimestamp());
        s1.Slice(4, 4).Clear();
        RandomNumberGenerator.Fill(s1[8..]);
        c0c1.AsSpan(1).CopyTo(reply[(1 + HandshakeSize)..]);
        _output.Advance(reply.Length);
        await FlushAsync(cancellationToken);
        await ReadExactlyAsync(HandshakeSize, "C2", cancellationToken);
    }

    private async Task<byte[]> ReadExactlyAsync(int length, string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _input.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            if (buffer.Length >= length)
            {
                var bytes = buffer.Slice(0, length).ToArray();
                _input.AdvanceTo(buffer.GetPosition(length));
                return bytes;
            }

            if (result.IsCompleted)
            {
                _input.AdvanceTo(buffer.End);
                throw new RtmpProtocolException($"connection closed during the handshake ({buffer.Length} of {length} bytes of {what})");
            }

            _input.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task<string> ReadMessagesAsync(CancellationToken cancellationToken)
    {
        _waitingFor = "read";
        while (true)
        {
            _timeout.CancelAfter(options.IdleTimeout);
            var result = await _input.ReadAsync(cancellationToken);

            // The idle clock runs only while waiting for the peer, not while a slow publish session is writing.
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            var buffer = result.Buffer;
            try
            {
                while (_chunks.TryReadMessage(ref buffer, out var message))
                {
                    using (message)
                    {
                        await HandleMessageAsync(message!, cancellationToken);
                    }

                    if (_closeReason is not null)
                    {
                        return _closeReason;
                    }
                }

                await AcknowledgeIfDueAsync(cancellationToken);
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCompleted)
            {
                if (!buffer.IsEmpty || _chunks.HasPartialMessage)
                {
                    throw new RtmpProtocolException("connection closed in the middle of a chunk");
                }

                return "peer closed the connection";
            }
        }
    }

    private ValueTask HandleMessageAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        switch (message.TypeId)
        {
            case RtmpMessageType.SetChunkSize:
            case RtmpMessageType.Abort:
            case RtmpMessageType.Acknowledgement:
            case RtmpMessageType.SetPeerBandwidth:
                // Chunk size and abort are applied by the chunk reader; the server does not throttle its few replies.
                return ValueTask.CompletedTask;
            case RtmpMessageType.WindowAcknowledgementSize:
                _peerWindow = ReadUInt32(message, "Window Acknowledgement Size");
                return ValueTask.CompletedTask;
            case RtmpMessageType.UserControl:
                return HandleUserControlAsync(message, cancellationToken);
            case RtmpMessageType.Audio:
            case RtmpMessageType.Video:
                return HandleMediaAsync(message, cancellationToken);
            case RtmpMessageType.Aggregate:
                return HandleAggregateAsync(message, cancellationToken);
            case RtmpMessageType.DataAmf0:
                HandleData(message.Payload);
                return ValueTask.CompletedTask;
            case RtmpMessageType.CommandAmf0:
                return HandleCommandAsync(message, cancellationToken);
            case RtmpMessageType.CommandAmf3:
                throw new RtmpProtocolException("AMF3 commands are not supported (connect with objectEncoding 0)");
            case RtmpMessageType.DataAmf3:
            case RtmpMessageType.SharedObjectAmf0:
            case RtmpMessageType.SharedObjectAmf3:
                RtmpLog.MessageIgnored(logger, id, message.TypeId);
                return ValueTask.CompletedTask;
            default:
                throw new RtmpProtocolException($"unknown RTMP message type {message.TypeId}");
        }
    }

    private ValueTask HandleUserControlAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        if (payload.Length < 2)
        {
            throw new RtmpProtocolException($"User Control message of {payload.Length} bytes");
        }

        var eventType = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (eventType != UserControlEvent.PingRequest)
        {
            return ValueTask.CompletedTask;
        }

        if (payload.Length < 6)
        {
            throw new RtmpProtocolException("Ping Request without its timestamp");
        }

        Span<byte> response = stackalloc byte[6];
        BinaryPrimitives.WriteUInt16BigEndian(response, UserControlEvent.PingResponse);
        payload.Slice(2, 4).CopyTo(response[2..]);
        _writer.Write(_output, 2, RtmpMessageType.UserControl, 0, 0, response);
        return FlushAsync(cancellationToken);
    }

    /// <summary>Sends an Acknowledgement each time the bytes received cross the window the peer asked for.</summary>
    private ValueTask AcknowledgeIfDueAsync(CancellationToken cancellationToken)
    {
        var received = _chunks.BytesRead + 1 + (2 * HandshakeSize);
        if (_peerWindow <= 0 || received - _lastAcknowledged < _peerWindow)
        {
            return ValueTask.CompletedTask;
        }

        _lastAcknowledged = received;
        Span<byte> sequence = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(sequence, unchecked((uint)received));
        _writer.Write(_output, 2, RtmpMessageType.Acknowledgement, 0, 0, sequence);
        return FlushAsync(cancellationToken);
    }

    private void SendControl(byte typeId, uint value, byte? extra = null)
    {
        Span<byte> payload = stackalloc byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(payload, value);
        var length = 4;
        if (extra is { } e)
        {
            payload[4] = e;
            length = 5;
        }

        _writer.Write(_output, 2, typeId, 0, 0, payload[..length]);
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        var during = _waitingFor;
        if (during != "handshake")
        {
            _waitingFor = "flush";
            _timeout.CancelAfter(options.IdleTimeout);
        }

        var result = await _output.FlushAsync(cancellationToken);
        if (during != "handshake")
        {
            _timeout.CancelAfter(Timeout.InfiniteTimeSpan);
            _waitingFor = during;
        }

        if (result.IsCompleted)
        {
            throw new IOException("the peer stopped reading");
        }
    }

    private static uint ReadUInt32(RtmpMessage message, string name) =>
        message.Length >= 4
            ? BinaryPrimitives.ReadUInt32BigEndian(message.Payload)
            : throw new RtmpProtocolException($"{name} message of {message.Length} bytes (4 expected)");
}
