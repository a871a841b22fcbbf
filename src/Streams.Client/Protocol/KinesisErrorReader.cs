using System.Text;
using System.Text.Json;

namespace Platform.Streams.Client.Protocol;

/// <summary>
/// Reads an AWS JSON error: body <c>{"__type": "...", "message": "..."}</c> (or <c>"Message"</c>),
/// else the <c>x-amzn-ErrorType</c> header. A type may carry a namespace prefix
/// (<c>com.amazonaws.kinesis.v20131202#ResourceNotFoundException</c>) or a suffix after ':'; both are stripped.
/// </summary>
internal static class KinesisErrorReader
{
    private const int MaxMessageChars = 2048;

    public static (string? Type, string? Message) Read(ReadOnlySpan<byte> body, string? errorTypeHeader)
    {
        string? type = null, message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isType = reader.ValueTextEquals("__type"u8) || reader.ValueTextEquals("code"u8);
                    var isMessage = reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("Message"u8);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && (isType || isMessage))
                    {
                        if (isType)
                        {
                            type ??= reader.GetString();
                        }
                        else
                        {
                            message ??= reader.GetString();
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, kinesalite's XML 403s): keep a bounded excerpt as the message.
            message = Encoding.UTF8.GetString(body[..Math.Min(body.Length, MaxMessageChars)]).Trim();
        }

        return (CleanType(type) ?? CleanType(errorTypeHeader), message);
    }

    public static string? CleanType(string? type)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return null;
        }

        var hash = type.LastIndexOf('#');
        if (hash >= 0)
        {
            type = type[(hash + 1)..];
        }

        var colon = type.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            type = type[..colon];
        }

        type = type.Trim();
        return type.Length == 0 ? null : type;
    }
}
