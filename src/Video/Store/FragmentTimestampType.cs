namespace Platform.Video.Store;

/// <summary>Which timestamp a time-range query selects on (Kinesis Video Streams' <c>FragmentSelectorType</c>).</summary>
public enum FragmentTimestampType
{
    ProducerTimestamp,
    ServerTimestamp,
}
