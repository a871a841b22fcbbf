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
    private const decimal MinSeconds = -62_135_596_800m;
    private const decimal MaxSeconds = 253_402_300_799m;

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetDateTimeOffset();
        }

        // The server reads this from the network too: out-of-range values are a JSON error, not a crash.
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var seconds) || seconds < MinSeconds || seconds > MaxSeconds)
        {
            throw new JsonException($"A timestamp is a number of seconds since 1970-01-01T00:00:00Z between {MinSeconds} and {MaxSeconds}.");
        }

        return DateTimeOffset.FromUnixTimeMilliseconds((long)decimal.Round(seconds * 1000m, MidpointRounding.AwayFromZero));
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}
