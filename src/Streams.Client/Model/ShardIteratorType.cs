using System.Text.Json.Serialization;

namespace Platform.Streams.Client.Model;

[JsonConverter(typeof(JsonStringEnumConverter<ShardIteratorType>))]
public enum ShardIteratorType
{
    [JsonStringEnumMemberName("AT_SEQUENCE_NUMBER")]
    AtSequenceNumber,

    [JsonStringEnumMemberName("AFTER_SEQUENCE_NUMBER")]
    AfterSequenceNumber,

    [JsonStringEnumMemberName("TRIM_HORIZON")]
    TrimHorizon,

    [JsonStringEnumMemberName("LATEST")]
    Latest,

    [JsonStringEnumMemberName("AT_TIMESTAMP")]
    AtTimestamp,
}
