namespace Platform.Streams.Client.Model;

public sealed record DeleteStreamRequest
{
    public string? StreamName { get; init; }

    public string? StreamARN { get; init; }

    public bool? EnforceConsumerDeletion { get; init; }
}
