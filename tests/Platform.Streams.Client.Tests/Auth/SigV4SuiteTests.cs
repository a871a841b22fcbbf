using System.Net.Http.Headers;
using System.Text;
using Platform.Streams.Client.Auth;

namespace Platform.Streams.Client.Tests.Auth;

/// <summary>
/// The published AWS Signature Version 4 test suite (aws-sig-v4-test-suite, as shipped with the AWS
/// SDKs): credentials AKIDEXAMPLE, region us-east-1, service "service", 2015-08-30T12:36:00Z.
/// </summary>
public sealed class SigV4SuiteTests
{
    internal const string AccessKeyId = "AKIDEXAMPLE";
    internal const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    internal const string Region = "us-east-1";
    internal const string Service = "service";
    internal const string AmzDate = "20150830T123600Z";
    internal const string Host = "example.amazonaws.com";
    internal static readonly DateTimeOffset Now = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private const string Scope = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";
    private const string StsToken =
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";

    /// <summary>Vectors whose headers are beyond what <see cref="SigV4Signer"/> signs, computed through the public <see cref="SigV4"/> pieces.</summary>
    public static TheoryData<string, string, string, string[], string, string, string> Suite => new()
    {
        { "get-vanilla", "GET", "/", [], "", "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-vanilla-query-order-key-case", "GET", "/?Param2=value2&Param1=value1", [], "", "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-vanilla-empty-query-key", "GET", "/?Param1=value1", [], "", "host;x-amz-date", "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb" },
        {
            "get-vanilla-query-unreserved", "GET",
            "/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            [], "", "host;x-amz-date", "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197"
        },
        { "get-vanilla-utf8-query", "GET", "/?ሴ=bar", [], "", "host;x-amz-date", "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
        { "get-unreserved", "GET", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", [], "", "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
        { "get-utf8", "GET", "/ሴ", [], "", "host;x-amz-date", "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "get-header-key-duplicate", "GET", "/", ["My-Header1:value2", "My-Header1:value2", "My-Header1:value1"], "", "host;my-header1;x-amz-date", "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-order", "GET", "/", ["My-Header1:value4", "My-Header1:value1", "My-Header1:value3", "My-Header1:value2"], "", "host;my-header1;x-amz-date", "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01" },
        { "get-header-value-trim", "GET", "/", ["My-Header1: value1", "My-Header2: \"a   b   c\""], "", "host;my-header1;my-header2;x-amz-date", "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "post-vanilla", "POST", "/", [], "", "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "post-vanilla-query", "POST", "/?Param1=value1", [], "", "host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11" },
        {
            "post-vanilla-query-nonunreserved", "POST", "/?%40%23%24%25%5E=&%2B=%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D", [], "",
            "host;x-amz-date", "66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e"
        },
        { "post-vanilla-query-space", "POST", "/?p", [], "", "host;x-amz-date", "e71688addb58a26418614085fb730ba3faa623b461c17f48f2fbdb9361b94a9b" },
        { "post-header-key-case", "POST", "/", [], "", "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b" },
        { "post-header-key-sort", "POST", "/", ["My-Header1:value1"], "", "host;my-header1;x-amz-date", "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c" },
        { "post-header-value-case", "POST", "/", ["My-Header1:VALUE1"], "", "host;my-header1;x-amz-date", "cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d" },
        { "post-sts-header-before", "POST", "/", ["X-Amz-Security-Token:" + StsToken], "", "host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead" },
        {
            "post-x-www-form-urlencoded", "POST", "/", ["Content-Type:application/x-www-form-urlencoded"], "Param1=value1",
            "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"
        },
        {
            "post-x-www-form-urlencoded-parameters", "POST", "/", ["Content-Type:application/x-www-form-urlencoded; charset=utf8"], "Param1=value1",
            "content-type;host;x-amz-date", "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe"
        },
    };

    [Theory]
    [MemberData(nameof(Suite))]
    public void SuiteVector_ProducesThePublishedAuthorization(string name, string method, string target, string[] headers, string body,
        string signedHeaders, string signature)
    {
        var lines = headers.Select(h => (h[..h.IndexOf(':', StringComparison.Ordinal)], h[(h.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            .Append(("Host", Host)).Append(("X-Amz-Date", AmzDate)).ToArray();

        var authorization = SignWithPieces(method, target, lines, Encoding.UTF8.GetBytes(body));

        Assert.True(authorization == $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={signature}", name);
    }

    [Fact]
    public void CanonicalRequest_OfQueryOrderKeyCase_SortsParameters_AsPublished()
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", Host), new("x-amz-date", AmzDate) };

        var canonical = SigV4.CanonicalRequest("GET", SigV4.CanonicalUri("/"), SigV4.CanonicalQueryString("?Param2=value2&Param1=value1"),
            headers, "host;x-amz-date", SigV4.HashPayload([]));

        Assert.Equal(
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" + SigV4.EmptyPayloadHash,
            canonical);
    }

    [Fact]
    public void StringToSign_OfGetVanilla_IsThePublishedOne()
    {
        var headers = new List<KeyValuePair<string, string>> { new("host", Host), new("x-amz-date", AmzDate) };
        var canonical = SigV4.CanonicalRequest("GET", "/", "", headers, "host;x-amz-date", SigV4.EmptyPayloadHash);

        var stringToSign = SigV4.StringToSign(AmzDate, SigV4.CredentialScope("20150830", Region, Service), canonical);

        Assert.Equal(
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\nbb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63",
            stringToSign);
    }

    [Fact]
    public void SigningKey_AndSignature_MatchTheDocumentedIamExample()
    {
        var key = new byte[32];
        SigV4.DeriveSigningKey(Secret, "20150830", Region, "iam", key);

        Assert.Equal("c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9", Convert.ToHexStringLower(key));
        Assert.Equal("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", SigV4.Signature(key,
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\nf536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("", "/")]
    [InlineData("//example//", "/example/")]
    [InlineData("/example/..", "/")]
    [InlineData("/example1/example2/../..", "/")]
    [InlineData("/./", "/")]
    [InlineData("/./example", "/example")]
    [InlineData("/example space/", "/example%20space/")]
    [InlineData("/a%20b", "/a%2520b")]
    public void CanonicalUri_NormalisesDotSegmentsAndSlashes_AndEncodesEachSegment(string path, string expected) =>
        Assert.Equal(expected, SigV4.CanonicalUri(path));

    [Theory]
    [InlineData("", "")]
    [InlineData("?", "")]
    [InlineData("b=2&a=1&A=0", "A=0&a=1&b=2")]
    [InlineData("a=2&a=1", "a=1&a=2")]
    [InlineData("a+b=c d", "a%2Bb=c%20d")]
    [InlineData("flag&x=%7e", "flag=&x=~")]
    public void CanonicalQueryString_DecodesReencodesAndSorts(string raw, string expected) =>
        Assert.Equal(expected, SigV4.CanonicalQueryString(raw));

    [Theory]
    [InlineData("get-vanilla", "GET", "https://example.amazonaws.com/", null, null, "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("get-vanilla-query-order-key-case", "GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1", null, null, "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    [InlineData("get-unreserved", "GET", "https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", null, null, "host;x-amz-date", "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f")]
    [InlineData("post-vanilla", "POST", "https://example.amazonaws.com/", null, null, "host;x-amz-date", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")]
    [InlineData("post-vanilla-query", "POST", "https://example.amazonaws.com/?Param1=value1", null, null, "host;x-amz-date", "28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11")]
    [InlineData("post-x-www-form-urlencoded", "POST", "https://example.amazonaws.com/", "application/x-www-form-urlencoded", null, "content-type;host;x-amz-date", "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")]
    [InlineData("post-x-www-form-urlencoded-parameters", "POST", "https://example.amazonaws.com/", "application/x-www-form-urlencoded; charset=utf8", null, "content-type;host;x-amz-date", "1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe")]
    [InlineData("post-sts-header-before", "POST", "https://example.amazonaws.com/", null, StsToken, "host;x-amz-date;x-amz-security-token", "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")]
    [InlineData("get-vanilla-with-session-token", "GET", "https://example.amazonaws.com/", null, "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267", "host;x-amz-date;x-amz-security-token", "07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8")]
    public void Signer_OnAnHttpRequestMessage_ProducesThePublishedAuthorization(string name, string method, string url, string? contentType,
        string? sessionToken, string signedHeaders, string signature)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        var body = contentType is null ? [] : "Param1=value1"u8.ToArray();
        if (contentType is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        SigV4Signer.Sign(request, body, new AwsCredentials(AccessKeyId, Secret, sessionToken), Region, Service, Now);

        Assert.True(request.Headers.Authorization?.ToString() == $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={signature}", name);
        Assert.Equal(AmzDate, request.Headers.GetValues("X-Amz-Date").Single());
        Assert.Equal(Host, request.Headers.Host);
        Assert.Equal(sessionToken is not null, request.Headers.Contains("X-Amz-Security-Token"));
    }

    /// <summary>Signs a raw request (target and header lines as on the wire) through the public pieces, as a server would check it.</summary>
    internal static string SignWithPieces(string method, string target, (string Name, string Value)[] lines, byte[] body)
    {
        var query = target.IndexOf('?', StringComparison.Ordinal);
        var headers = lines.GroupBy(h => h.Name.ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, string>(g.Key, string.Join(',', g.Select(h => h.Value))))
            .ToList();
        var signedHeaders = string.Join(';', headers.Select(h => h.Key));
        var canonical = SigV4.CanonicalRequest(method, SigV4.CanonicalUri(query < 0 ? target : target[..query]),
            SigV4.CanonicalQueryString(query < 0 ? "" : target[query..]), headers, signedHeaders, SigV4.HashPayload(body));
        var stringToSign = SigV4.StringToSign(AmzDate, SigV4.CredentialScope("20150830", Region, Service), canonical);
        var key = new byte[32];
        SigV4.DeriveSigningKey(Secret, "20150830", Region, Service, key);
        return $"AWS4-HMAC-SHA256 Credential={Scope}, SignedHeaders={signedHeaders}, Signature={SigV4.Signature(key, stringToSign)}";
    }
}
