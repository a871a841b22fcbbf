namespace Platform.Video.Media.H264;

/// <summary>H.264 <c>nal_unit_type</c> values (ITU-T H.264 table 7-1) that the platform cares about.</summary>
public enum NalUnitType
{
    Unspecified = 0,
    NonIdrSlice = 1,
    SlicePartitionA = 2,
    SlicePartitionB = 3,
    SlicePartitionC = 4,
    IdrSlice = 5,
    Sei = 6,
    Sps = 7,
    Pps = 8,
    AccessUnitDelimiter = 9,
    EndOfSequence = 10,
    EndOfStream = 11,
    FillerData = 12,
    SpsExtension = 13,
    Prefix = 14,
    SubsetSps = 15,

    /// <summary>RTP aggregation packet, single-time (RFC 6184); never valid in a stored stream.</summary>
    StapA = 24,

    /// <summary>RTP fragmentation unit (RFC 6184); never valid in a stored stream.</summary>
    FuA = 28,
}
