using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Platform.Streams.Api.Auth;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Tests.Infrastructure;
using static Platform.Streams.Client.Tests.Auth.SigV4SuiteTests;

namespace Platform.Streams.Client.Tests.Auth;

public sealed class SigV4VerifierTests
{
    private static readonly byte[] Body = """{"StreamName":"orders","Data":"aGVsbG8=","PartitionKey":"k"}"""u8.ToArray();
    private static readonly AwsCredentials Credentials = new(AccessKeyId, Secret);

    private readonly ManualTimeProvider _clock = new(Now);

    [Fact]
    public void ARequestSignedByTheSigner_Verifies_AndNamesItsAccessKey()
    {
        var result = Verifier().Verify(Signed(), Body);

        Assert.True(result.IsOk, result.ToString());
        Assert.Equal(AccessKeyId, result.AccessKeyId);
    }

    [Fact]
    public void ARequestWithTemporaryCredentials_Verifies_WithItsTokenSigned()
    {
        var request = Signed(new AwsCredentials(AccessKeyId, Secret, "session-token"));

        Assert.True(Verifier().Verify(request, Body).IsOk);
        Assert.Contains("x-amz-security-token", request.Headers.Authorization.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("get-header-value-trim", "/", "My-Header1: value1", "My-Header2: \"a   b   c\"")]
    [InlineData("get-utf8", "/ሴ")]
    [InlineData("get-vanilla-query-order-key-case", "/?Param2=value2&Param1=value1")]
    [InlineData("get-header-key-duplicate", "/", "My-Header1:value2", "My-Header1:value2", "My-Header1:value1")]
    public void SuiteRequests_Verify_AsTheyAreOnTheWire(string name, string target, params string[] headerLines)
    {
        var lines = headerLines.Select(h => (h[..h.IndexOf(':', StringComparison.Ordinal)], h[(h.IndexOf(':', StringComparison.Ordinal) + 1)..]))
            .Append(("Host", Host)).Append(("X-Amz-Date", AmzDate)).ToArray();
        var request = AspNetRequests.Raw("GET", target, lines);
        request.Headers.Authorization = SignWithPieces("GET", target, lines, []);

        var result = new SigV4Verifier(Keys(), _clock).Verify(request, []);

        Assert.True(result.IsOk, $"{name}: {result}");
    }

    [Fact]
    public void ATamperedBody_IsInvalidSignature_WithTheCanonicalRequestInTheMessage()
    {
        var tampered = Body.ToArray();
        tampered[^3] ^= 1;

        var result = Verifier().Verify(Signed(), tampered);

        AssertFailure(result, SigV4ErrorTypes.InvalidSignature, "The request signature we calculated does not match the signature you provided.");
        Assert.Contains("The Canonical String for this request should have been", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATamperedSignedHeader_IsInvalidSignature()
    {
        var request = Signed();
        request.Headers["X-Amz-Target"] = "Kinesis_20131202.DeleteStream";

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.InvalidSignature, "does not match the signature you provided");
    }

    [Fact]
    public void AWrongSecret_IsInvalidSignature()
    {
        var request = Signed(new AwsCredentials(AccessKeyId, "not-the-secret"));

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.InvalidSignature, "does not match the signature you provided");
    }

    [Fact]
    public void ASignatureThatIsNotHex_IsInvalidSignature_NotACrash()
    {
        var request = Signed();
        var header = request.Headers.Authorization.ToString();
        request.Headers.Authorization = header[..^64] + new string('z', 64);

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.InvalidSignature, "does not match");
    }

    [Fact]
    public void NoAuthorization_IsMissingAuthenticationToken()
    {
        var request = Signed();
        request.Headers.Remove("Authorization");

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.MissingAuthenticationToken, "Missing Authentication Token");
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=00", "requires 'Credential' parameter")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, Signature=00", "requires 'SignedHeaders' parameter")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host", "requires 'Signature' parameter")]
    [InlineData("AWS4-HMAC-SHA256", "requires 'Credential' parameter")]
    [InlineData("AWS4-HMAC-SHA1 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=00", "Unsupported AWS 'algorithm'")]
    [InlineData("Basic dXNlcjpwYXNz", "Unsupported AWS 'algorithm'")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=00", "Credential should be scoped")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws5_request, SignedHeaders=host, Signature=00", "valid terminator")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2015-08-30/us-east-1/service/aws4_request, SignedHeaders=host, Signature=00", "yyyyMMdd")]
    [InlineData("AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=00", "Credential should be scoped")]
    public void AMalformedAuthorizationHeader_IsIncompleteSignature(string header, string reason)
    {
        var request = Signed();
        request.Headers.Authorization = header;

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.IncompleteSignature, reason);
    }

    [Fact]
    public void AnUnknownAccessKey_IsUnrecognizedClient()
    {
        var request = Signed(new AwsCredentials("AKIDUNKNOWN", Secret));

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.UnrecognizedClient, "The security token included in the request is invalid.");
    }

    [Theory]
    [InlineData(6, false, "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)")]
    [InlineData(-6, false, "Signature not yet current: 20150830T123600Z is still later than 20150830T123500Z (20150830T123000Z + 5 min.)")]
    [InlineData(4, true, null)]
    [InlineData(-4, true, null)]
    public void TheClock_AllowsFiveMinutesEitherWay(int serverClockAheadMinutes, bool ok, string? reason)
    {
        var request = Signed();
        _clock.Now = Now.AddMinutes(serverClockAheadMinutes);

        var result = Verifier().Verify(request, Body);

        if (ok)
        {
            Assert.True(result.IsOk, result.ToString());
        }
        else
        {
            AssertFailure(result, SigV4ErrorTypes.InvalidSignature, reason!);
        }
    }

    [Fact]
    public void NoXAmzDate_IsIncompleteSignature()
    {
        var request = Signed();
        request.Headers.Remove("X-Amz-Date");

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.IncompleteSignature, "'X-Amz-Date'");
    }

    [Fact]
    public void AScopeDateOtherThanTheRequestDate_IsInvalidSignature()
    {
        var request = Signed();
        request.Headers["X-Amz-Date"] = "20150831T000100Z";
        _clock.Now = new DateTimeOffset(2015, 8, 31, 0, 1, 0, TimeSpan.Zero);

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.InvalidSignature, "Date in Credential scope does not match");
    }

    [Fact]
    public void AScopeForAnotherRegionOrService_IsInvalidSignature_WhenTheVerifierIsPinned()
    {
        var pinnedRegion = new SigV4Verifier(Keys(), _clock, new SigV4VerifierOptions { Region = "eu-west-1" });
        var pinnedService = new SigV4Verifier(Keys(), _clock, new SigV4VerifierOptions { Service = "kinesis" });

        AssertFailure(pinnedRegion.Verify(Signed(), Body), SigV4ErrorTypes.InvalidSignature, "valid region");
        AssertFailure(pinnedService.Verify(Signed(), Body), SigV4ErrorTypes.InvalidSignature, "correct service: 'kinesis'");
    }

    [Fact]
    public void HostNotSigned_IsIncompleteSignature()
    {
        var request = AspNetRequests.Raw("POST", "/", ("Host", Host), ("X-Amz-Date", AmzDate));
        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/20150830/us-east-1/service/aws4_request, SignedHeaders=x-amz-date, Signature={new string('0', 64)}";

        AssertFailure(Verifier().Verify(request, []), SigV4ErrorTypes.IncompleteSignature, "'Host' must be a 'SignedHeader'");
    }

    [Fact]
    public void AnOverlongAuthorizationHeader_IsRefusedBeforeParsing()
    {
        var request = Signed();
        request.Headers.Authorization = request.Headers.Authorization + new string(' ', 9000);

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.IncompleteSignature, "longer than 8192");
    }

    [Fact]
    public void TooManySignedHeaders_AreRefused()
    {
        var request = Signed();
        var names = string.Join(';', Enumerable.Range(0, 65).Select(i => $"h{i:D2}"));
        request.Headers.Authorization = $"AWS4-HMAC-SHA256 Credential={AccessKeyId}/20150830/us-east-1/service/aws4_request, SignedHeaders={names}, Signature={new string('0', 64)}";

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.IncompleteSignature, "at most 64 headers");
    }

    [Fact]
    public void ContentSha256Header_ThatMatchesTheBody_Verifies_AndOneThatDoesNot_IsInvalidSignature()
    {
        var good = Signed(extraHeader: ("x-amz-content-sha256", SigV4.HashPayload(Body)));
        var bad = Signed(extraHeader: ("x-amz-content-sha256", SigV4.EmptyPayloadHash));

        Assert.True(Verifier().Verify(good, Body).IsOk);
        AssertFailure(Verifier().Verify(bad, Body), SigV4ErrorTypes.InvalidSignature, "'x-amz-content-sha256' header does not match");
    }

    [Fact]
    public void APayloadHashComputedByTheCaller_CanStandInForTheBody()
    {
        Assert.True(Verifier().Verify(Signed(), SigV4.HashPayload(Body).ToUpperInvariant()).IsOk);
    }

    [Fact]
    public void UnsignedPayload_IsRefusedUnlessAllowed()
    {
        var request = Signed(extraHeader: ("x-amz-content-sha256", SigV4.UnsignedPayload));

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.InvalidSignature, "UNSIGNED-PAYLOAD");
    }

    [Fact]
    public void BothAuthorizationHeaderAndPresignedQuery_IsInvalidSignature()
    {
        var request = Signed();
        request.QueryString = new QueryString("?X-Amz-Algorithm=AWS4-HMAC-SHA256");

        AssertFailure(Verifier().Verify(request, Body), SigV4ErrorTypes.InvalidSignature, "Found both 'X-Amz-Algorithm'");
    }

    [Fact]
    public void APresignedUrl_Verifies_UntilItExpires()
    {
        var url = Presign("https://example.amazonaws.com/streams/orders?view=summary", expiresSeconds: 300);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Host = Host;
        var request = AspNetRequests.From(message);

        Assert.True(Verifier().Verify(request, []).IsOk, Verifier().Verify(request, []).ToString());

        _clock.Now = Now.AddSeconds(301);
        AssertFailure(Verifier().Verify(request, []), SigV4ErrorTypes.InvalidSignature, "Signature expired");
    }

    [Fact]
    public void APresignedUrl_WithAChangedParameter_IsInvalidSignature()
    {
        var url = Presign("https://example.amazonaws.com/streams/orders?view=summary", expiresSeconds: 300);
        using var message = new HttpRequestMessage(HttpMethod.Get, url.Replace("view=summary", "view=full", StringComparison.Ordinal));
        message.Headers.Host = Host;

        AssertFailure(Verifier().Verify(AspNetRequests.From(message), []), SigV4ErrorTypes.InvalidSignature, "does not match");
    }

    [Fact]
    public void APresignedUrl_MissingAParameter_IsIncompleteSignature()
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20150830T123600Z");
        message.Headers.Host = Host;

        AssertFailure(Verifier().Verify(AspNetRequests.From(message), []), SigV4ErrorTypes.IncompleteSignature,
            "AWS query-string parameters must include 'X-Amz-Credential'");
    }

    [Fact]
    public void SigningKeys_AreCachedPerScope_AndANewDayStillVerifies()
    {
        var verifier = Verifier();
        Assert.True(verifier.Verify(Signed(), Body).IsOk);
        Assert.True(verifier.Verify(Signed(), Body).IsOk);

        _clock.Now = Now.AddDays(1);
        Assert.True(verifier.Verify(Signed(), Body).IsOk);
    }

    [Fact]
    public void InvalidOptions_AreRefused_NamingTheSetting()
    {
        var error = Assert.Throws<ArgumentException>(() => new SigV4Verifier(Keys(), _clock, new SigV4VerifierOptions { MaxClockSkew = TimeSpan.Zero }));
        Assert.Contains("MaxClockSkew", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Keys() => new() { [AccessKeyId] = Secret, ["AKIDOTHER"] = "other-secret" };

    private SigV4Verifier Verifier() => new(Keys(), _clock);

    /// <summary>A Kinesis-style request signed at the test clock's time, as the server would receive it.</summary>
    private HttpRequest Signed(AwsCredentials? credentials = null, (string Name, string Value)? extraHeader = null)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:4566/");
        message.Headers.TryAddWithoutValidation("X-Amz-Target", "Kinesis_20131202.PutRecord");
        if (extraHeader is { } extra)
        {
            message.Headers.TryAddWithoutValidation(extra.Name, extra.Value);
        }

        message.Content = new ByteArrayContent(Body);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        SigV4Signer.Sign(message, Body, credentials ?? Credentials, Region, SigV4SuiteTests.Service, _clock.GetUtcNow());
        return AspNetRequests.From(message, Body);
    }

    private string Presign(string url, int expiresSeconds) =>
        SigV4Signer.Presign(HttpMethod.Get, new Uri(url), Credentials, Region, SigV4SuiteTests.Service, _clock.GetUtcNow(), TimeSpan.FromSeconds(expiresSeconds)).AbsoluteUri;

    private static void AssertFailure(SigV4VerificationResult result, string errorType, string messagePart)
    {
        Assert.False(result.IsOk, "expected a failure");
        Assert.Equal(errorType, result.ErrorType);
        Assert.Contains(messagePart, result.Message, StringComparison.Ordinal);
        Assert.Null(result.AccessKeyId);
    }
}
