namespace Platform.Video.Streams;

/// <summary>The <c>Operation</c> of Kinesis Video Streams' <c>UpdateDataRetention</c>.</summary>
public enum DataRetentionOperation
{
    /// <summary><c>INCREASE_DATA_RETENTION</c>.</summary>
    Increase,

    /// <summary><c>DECREASE_DATA_RETENTION</c>.</summary>
    Decrease,
}
