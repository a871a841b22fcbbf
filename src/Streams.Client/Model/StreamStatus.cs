using System.Text.Json.Serialization;

namespace Platform.Streams.Client.Model;

[JsonConverter(typeof(JsonStringEnumConverter<StreamStatus>))]
public enum StreamStatus
{
    [JsonStringEnumMemberName("CREATING")]
    Creating,

    [JsonStringEnumMemberName("DELETING")]
    Deleting,

    [JsonStringEnumMemberName("ACTIVE")]
    Active,

    [JsonStringEnumMemberName("UPDATING")]
    Updating,
}
