using System.Collections.Concurrent;
using Org.BouncyCastle.Crypto.Tls;

namespace Platform.Video.Ingest.WebRtc.Dtls;

/// <summary>
/// Feeds BouncyCastle's blocking DTLS engine from the shared socket: the receive loop posts DTLS datagrams into a
/// bounded queue (dropping when full, as a network would) and the handshake thread takes them with a timeout.
/// </summary>
public sealed class QueueDatagramTransport(Action<byte[], int, int> send, int mtu = 1200) : DatagramTransport, IDisposable
{
    private readonly BlockingCollection<byte[]> _incoming = new(boundedCapacity: 64);

    /// <summary>Queues one received datagram; false when the queue is full or closed.</summary>
    public bool Post(byte[] datagram)
    {
        try
        {
            return _incoming.TryAdd(datagram);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis)
    {
        try
        {
            if (!_incoming.TryTake(out var datagram, waitMillis))
            {
                // A completed queue returns at once; reporting a timeout would make the engine spin.
                return _incoming.IsCompleted ? throw new IOException("The WebRTC session closed.") : -1;
            }

            var count = Math.Min(len, datagram.Length);
            Array.Copy(datagram, 0, buf, off, count);
            return count;
        }
        catch (InvalidOperationException)
        {
            // Closed: BouncyCastle reads an IOException as a failed transport and ends the handshake.
            throw new IOException("The WebRTC session closed.");
        }
    }

    public void Send(byte[] buf, int off, int len) => send(buf, off, len);

    public void Close() => _incoming.CompleteAdding();

    public void Dispose()
    {
        _incoming.CompleteAdding();
    }
}
