namespace Platform.Streams.Client.Model;

public sealed record StreamModeDetails
{
    public required StreamMode StreamMode { get; init; }
}
