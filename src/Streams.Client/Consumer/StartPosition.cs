namespace Platform.Streams.Client.Consumer;

/// <summary>Where a consumer starts in the shards that exist when it starts; shards created later are read from their start.</summary>
public enum StartPosition
{
    /// <summary>The oldest record still retained.</summary>
    TrimHorizon,

    /// <summary>Only records added after the consumer started.</summary>
    Latest,
}
