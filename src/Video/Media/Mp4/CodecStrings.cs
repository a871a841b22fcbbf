using Platform.Video.Media.Aac;
using Platform.Video.Media.H264;
using Platform.Video.Media.Opus;

namespace Platform.Video.Media.Mp4;

/// <summary>RFC 6381 codec strings for track configurations (the HLS <c>CODECS</c> attribute).</summary>
public static class CodecStrings
{
    /// <summary>The codec string of one track.</summary>
    /// <param name="config">The track's configuration.</param>
    /// <exception cref="InvalidDataException">The codec private data is malformed.</exception>
    public static string For(TrackConfig config) => config.Codec switch
    {
        MediaCodec.H264 => AvcDecoderConfiguration.Parse(config.CodecPrivate.Span).CodecString,
        MediaCodec.Aac => AudioSpecificConfig.Parse(config.CodecPrivate.Span).CodecString,
        MediaCodec.Opus => OpusConfiguration.CodecString,
        _ => throw new InvalidDataException($"Unknown codec {config.Codec}."),
    };

    /// <summary>The comma-separated codec strings of all tracks, in order.</summary>
    /// <param name="configs">The tracks.</param>
    public static string Join(IEnumerable<TrackConfig> configs) => string.Join(',', configs.Select(For));
}
