using System.Text.Json.Serialization;

namespace Platform.Streams.Client.Model;

[JsonConverter(typeof(JsonStringEnumConverter<StreamMode>))]
public enum StreamMode
{
    [JsonStringEnumMemberName("PROVISIONED")]
    Provisioned,

    [JsonStringEnumMemberName("ON_DEMAND")]
    OnDemand,
}
