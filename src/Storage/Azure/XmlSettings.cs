using System.Xml;

namespace Platform.Storage.Azure;

/// <summary>Reader settings for service XML: no DTDs, no external resolution.</summary>
internal static class XmlSettings
{
    public static readonly XmlReaderSettings Safe = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };

    /// <summary>For documents whose text may be all spaces (blob names in listings): whitespace is data there.</summary>
    public static readonly XmlReaderSettings SafeKeepingWhitespace = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = false,
    };
}
