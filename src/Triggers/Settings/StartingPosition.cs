namespace Platform.Triggers.Settings;

/// <summary>Where a function without a checkpoint starts reading a shard.</summary>
public enum StartingPosition
{
    TrimHorizon,
    Latest,
    AtTimestamp,
}
