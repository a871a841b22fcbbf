using System.Globalization;
using Platform.Storage;
using Platform.Video.Streams;

namespace Platform.Video.Store;

/// <summary>
/// Where a stream's data lives in <see cref="VideoStreamCatalog.Container"/>, under <c>data/{name}/{incarnation}/</c>:
/// <c>init/{key}</c> init segments, <c>index/{yyyyMMddHH}</c> hour indexes, <c>hot/{yyyyMMddHH}/{number}</c> hot
/// fragments, <c>warm/{yyyyMMddHH}/{first}-{count}</c> warm blobs. Hours are UTC server time.
/// </summary>
internal static class StoreLayout
{
    private const string HourFormat = "yyyyMMddHH";

    public static string StreamPrefix(string name) => $"data/{name}/";

    public static string Prefix(VideoStreamDocument stream) => $"data/{stream.Name}/{stream.Incarnation}/";

    public static string IndexPrefix(VideoStreamDocument stream) => Prefix(stream) + "index/";

    public static string HotPrefix(VideoStreamDocument stream, DateTimeOffset hour) => Prefix(stream) + "hot/" + HourKey(hour) + "/";

    public static string WarmPrefix(VideoStreamDocument stream, DateTimeOffset hour) => Prefix(stream) + "warm/" + HourKey(hour) + "/";

    public static string InitPrefix(VideoStreamDocument stream) => Prefix(stream) + "init/";

    public static BlobPath Index(VideoStreamDocument stream, DateTimeOffset hour) => new(VideoStreamCatalog.Container, IndexPrefix(stream) + HourKey(hour));

    public static BlobPath Hot(VideoStreamDocument stream, long number) =>
        new(VideoStreamCatalog.Container, HotPrefix(stream, FragmentTimeIndex.HourOf(FragmentNumbers.ServerTime(number))) + number.ToString("D19", CultureInfo.InvariantCulture));

    public static BlobPath Warm(VideoStreamDocument stream, DateTimeOffset hour, WarmRange range) =>
        new(VideoStreamCatalog.Container, WarmPrefix(stream, hour) + string.Create(CultureInfo.InvariantCulture, $"{range.FirstEntry:D6}-{range.Count:D6}"));

    public static BlobPath Init(VideoStreamDocument stream, string key) => new(VideoStreamCatalog.Container, InitPrefix(stream) + key);

    public static string HourKey(DateTimeOffset hour) => hour.UtcDateTime.ToString(HourFormat, CultureInfo.InvariantCulture);

    public static bool TryParseHour(string key, out DateTimeOffset hour)
    {
        var ok = DateTime.TryParseExact(key, HourFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed);
        hour = ok ? new DateTimeOffset(parsed, TimeSpan.Zero) : default;
        return ok;
    }
}
