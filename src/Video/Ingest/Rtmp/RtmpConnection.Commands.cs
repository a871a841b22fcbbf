using System.Text;
using Microsoft.Extensions.Logging;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>AMF0 commands of NetConnection and NetStream (RTMP 1.0 section 7.2) as publishers send them.</summary>
internal sealed partial class RtmpConnection
{
    /// <summary>The only application: publish URLs are <c>rtmp://host/live/{stream}</c>.</summary>
    public const string Application = "live";

    private const int CommandChunkStream = 3;
    private const int StatusChunkStream = 5;
    private const int MaxStreams = 8;

    private bool _connected;
    private uint _createdStreams;

    private ValueTask HandleCommandAsync(RtmpMessage message, CancellationToken cancellationToken)
    {
        var command = ParseCommand(message.Payload);
        switch (command.Name)
        {
            case "connect":
                return ConnectAsync(command, cancellationToken);
            case "releaseStream":
            case "FCPublish":
                // Flash-era courtesy calls before publish; clients only need their transaction answered.
                return ReplyResultAsync(command.Transaction, AmfUndefined.Instance, cancellationToken);
            case "createStream":
                if (++_createdStreams > MaxStreams)
                {
                    throw new RtmpProtocolException($"more than {MaxStreams} createStream calls on one connection");
                }

                return ReplyResultAsync(command.Transaction, (double)_createdStreams, cancellationToken);
            case "publish":
                return PublishAsync(command, message.StreamId, cancellationToken);
            case "FCUnpublish":
            case "deleteStream":
            case "closeStream":
                return new ValueTask(EndPublishAsync());
            default:
                RtmpLog.CommandIgnored(logger, id, command.Name);
                return ValueTask.CompletedTask;
        }
    }

    private async ValueTask ConnectAsync(Command command, CancellationToken cancellationToken)
    {
        var app = (command.Object?.GetString("app") ?? "").Split('?')[0].TrimEnd('/');
        if (app != Application)
        {
            WriteCommand(CommandChunkStream, 0, "_error", command.Transaction, null, Status("error", "NetConnection.Connect.Rejected", $"Unknown application '{app}': publish to rtmp://host/{Application}/{{stream}}."));
            await FlushAsync(cancellationToken);
            _closeReason = $"connect to unknown application '{app}' refused";
            return;
        }

        _connected = true;
        SendControl(RtmpMessageType.WindowAcknowledgementSize, 2_500_000);
        SendControl(RtmpMessageType.SetPeerBandwidth, 2_500_000, extra: 2);
        SendControl(RtmpMessageType.SetChunkSize, ChunkWriter.ServerChunkSize);
        _writer.ChunkSize = ChunkWriter.ServerChunkSize;
        var properties = new AmfObject().Add("fmsVer", "FMS/3,0,1,123").Add("capabilities", 31.0);
        var information = Status("status", "NetConnection.Connect.Success", "Connection succeeded.").Add("objectEncoding", 0.0);
        WriteCommand(CommandChunkStream, 0, "_result", command.Transaction, properties, information);
        await FlushAsync(cancellationToken);
    }

    private async ValueTask PublishAsync(Command command, uint streamId, CancellationToken cancellationToken)
    {
        if (!_connected)
        {
            throw new RtmpProtocolException("publish before connect");
        }

        var target = command.Arguments.Count > 0 ? command.Arguments[0] as string : null;
        if (_session is not null)
        {
            await RefuseAsync(streamId, "NetStream.Publish.BadName", "This connection is already publishing.", cancellationToken);
            _closeReason = "a second publish on one connection refused";
            return;
        }

        var (name, key) = SplitPublishName(target ?? "");
        if (name.Length == 0)
        {
            await RefuseAsync(streamId, "NetStream.Publish.BadName", "The publish name is empty: publish to rtmp://host/live/{stream}.", cancellationToken);
            _closeReason = "publish without a stream name refused";
            return;
        }

        try
        {
            // Starting a publish reads and writes storage (stream document, claim, newest index), which may block
            // on disk; with inline socket completions this code runs on the socket event thread, so it moves off it.
            var request = new PublishRequest(name, "rtmp", key, _remote);
            _session = await Task.Run(() => ingest.StartPublishAsync(request, cancellationToken).AsTask(), cancellationToken);
        }
        catch (PublishRejectedException e)
        {
            var code = e.Reason == PublishRejection.BadCredential ? "NetStream.Publish.Unauthorized" : "NetStream.Publish.BadName";
            RtmpLog.PublishRefused(logger, id, name, e.Reason, e.Message);
            await RefuseAsync(streamId, code, e.Message, cancellationToken);
            _closeReason = $"publish to {name} refused ({e.Reason})";
            return;
        }

        _mapper = new FlvMediaMapper();
        RtmpLog.PublishStarted(logger, id, name);
        Span<byte> streamBegin = stackalloc byte[6];
        streamBegin[0] = 0;
        streamBegin[1] = (byte)UserControlEvent.StreamBegin;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(streamBegin[2..], streamId);
        _writer.Write(_output, 2, RtmpMessageType.UserControl, 0, 0, streamBegin);
        WriteCommand(StatusChunkStream, streamId, "onStatus", 0, null, Status("status", "NetStream.Publish.Start", $"{name} is now published.").Add("details", name));
        await FlushAsync(cancellationToken);
    }

    private ValueTask RefuseAsync(uint streamId, string code, string description, CancellationToken cancellationToken)
    {
        WriteCommand(StatusChunkStream, streamId, "onStatus", 0, null, Status("error", code, description));
        return FlushAsync(cancellationToken);
    }

    /// <summary>Splits <c>cam1?key=abc</c> into the stream name and the publish key (URL-decoded; null when absent).</summary>
    internal static (string Name, string? Key) SplitPublishName(string target)
    {
        var question = target.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return (target, null);
        }

        string? key = null;
        foreach (var pair in target[(question + 1)..].Split('&'))
        {
            if (pair.StartsWith("key=", StringComparison.Ordinal))
            {
                key = Uri.UnescapeDataString(pair[4..].Replace('+', ' '));
            }
        }

        return (target[..question], key);
    }

    private ValueTask ReplyResultAsync(double transaction, object? value, CancellationToken cancellationToken)
    {
        if (transaction == 0)
        {
            return ValueTask.CompletedTask; // a transaction id of 0 asks for no reply
        }

        WriteCommand(CommandChunkStream, 0, "_result", transaction, null, value);
        return FlushAsync(cancellationToken);
    }

    private void HandleData(ReadOnlySpan<byte> payload)
    {
        // @setDataFrame/onMetaData: the codec configs that matter arrive in the sequence headers; metadata is only
        // logged, but malformed AMF still closes the connection like anywhere else.
        var reader = new Amf0Reader(payload);
        var values = new List<object?>();
        while (!reader.End && values.Count < 8)
        {
            values.Add(reader.ReadValue());
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            var description = Describe(values);
            RtmpLog.Metadata(logger, id, description);
        }
    }

    private void WriteCommand(int chunkStreamId, uint streamId, string name, double transaction, object? commandObject, object? argument)
    {
        _body.ResetWrittenCount();
        Amf0Writer.Write(_body, name);
        Amf0Writer.Write(_body, transaction);
        Amf0Writer.Write(_body, commandObject);
        Amf0Writer.Write(_body, argument);
        _writer.Write(_output, chunkStreamId, RtmpMessageType.CommandAmf0, streamId, 0, _body.WrittenSpan);
    }

    private static AmfObject Status(string level, string code, string description) =>
        new AmfObject().Add("level", level).Add("code", code).Add("description", description);

    private static Command ParseCommand(ReadOnlySpan<byte> payload)
    {
        var reader = new Amf0Reader(payload);
        if (reader.ReadValue() is not string name)
        {
            throw new RtmpProtocolException("AMF0 command without a name");
        }

        var transaction = reader.End ? 0 : reader.ReadValue() as double? ?? 0;
        var commandObject = reader.End ? null : reader.ReadValue() as AmfObject;
        var arguments = new List<object?>();
        while (!reader.End)
        {
            arguments.Add(reader.ReadValue());
        }

        return new Command(name, transaction, commandObject, arguments);
    }

    private static string Describe(IEnumerable<object?> values)
    {
        var text = new StringBuilder();
        foreach (var value in values)
        {
            Describe(text, value);
            text.Append(' ');
        }

        // Metadata is the publisher's to fill; a log line stays a line.
        return text.Length <= 512 ? text.ToString() : string.Concat(text.ToString(0, 512), "…");
    }

    private static void Describe(StringBuilder text, object? value)
    {
        switch (value)
        {
            case AmfObject o:
                text.Append('{');
                foreach (var (k, v) in o.Properties)
                {
                    text.Append(k).Append(": ");
                    Describe(text, v);
                    text.Append(", ");
                }

                text.Append('}');
                break;
            case string s:
                text.Append(s);
                break;
            default:
                text.Append(value?.ToString() ?? "null");
                break;
        }
    }

    private sealed record Command(string Name, double Transaction, AmfObject? Object, List<object?> Arguments);
}
