using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Streams.Client.Protocol;

/// <summary>
/// AWS JSON timestamps: seconds since the Unix epoch as a number, with a fraction for milliseconds
/// (1440938160.123). Writes milliseconds exactly (decimal, not floating point); reads numbers, and
/// ISO-8601 strings from lenient servers.
/// </summary>
public sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetDateTimeOffset();
        }

        var seconds = reader.GetDecimal();
        return DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Round(seconds * 1000m, MidpointRounding.AwayFromZero));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}
