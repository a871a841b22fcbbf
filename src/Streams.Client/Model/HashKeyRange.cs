namespace Platform.Streams.Client.Model;

/// <summary>Inclusive range of 128-bit hash keys, as decimal strings.</summary>
public sealed record HashKeyRange
{
    public required string StartingHashKey { get; init; }

    public required string EndingHashKey { get; init; }
}
