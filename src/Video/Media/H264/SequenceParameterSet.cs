namespace Platform.Video.Media.H264;

/// <summary>The fields of an H.264 sequence parameter set that muxing and playback need.</summary>
/// <param name="ProfileIdc"><c>profile_idc</c> (66 baseline, 77 main, 100 high, ...).</param>
/// <param name="ConstraintFlags">The byte after <c>profile_idc</c> (constraint_set0..5 flags and reserved bits).</param>
/// <param name="LevelIdc"><c>level_idc</c> (31 for level 3.1).</param>
/// <param name="SeqParameterSetId"><c>seq_parameter_set_id</c>.</param>
/// <param name="ChromaFormatIdc">0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4 (1 when the profile does not signal it).</param>
/// <param name="BitDepthLuma">Luma bit depth (8 unless signalled).</param>
/// <param name="BitDepthChroma">Chroma bit depth (8 unless signalled).</param>
/// <param name="FrameMbsOnly"><c>frame_mbs_only_flag</c>: false when the stream may contain fields.</param>
/// <param name="Width">Displayed width in pixels (after frame cropping).</param>
/// <param name="Height">Displayed height in pixels (after frame cropping).</param>
public sealed record SequenceParameterSet(
    int ProfileIdc,
    int ConstraintFlags,
    int LevelIdc,
    int SeqParameterSetId,
    int ChromaFormatIdc,
    int BitDepthLuma,
    int BitDepthChroma,
    bool FrameMbsOnly,
    int Width,
    int Height);
