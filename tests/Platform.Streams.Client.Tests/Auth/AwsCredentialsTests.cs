using Platform.Streams.Api.Auth;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Tests.Infrastructure;

namespace Platform.Streams.Client.Tests.Auth;

public sealed class AwsCredentialsTests
{
    [Fact]
    public void ToString_ShowsTheAccessKeyId_ButNeverTheSecretOrToken()
    {
        var text = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token-value").ToString();

        Assert.Contains("AKIDEXAMPLE", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", text, StringComparison.Ordinal);
        Assert.DoesNotContain("session-token-value", text, StringComparison.Ordinal);
        Assert.DoesNotContain("wJalrXUtnFEMI", $"{new AwsCredentials("a", "wJalrXUtnFEMI")}", StringComparison.Ordinal);
    }

    [Fact]
    public void APresignedUrl_CarriesTheSessionTokenInTheSignedQuery()
    {
        var url = SigV4Signer.Presign(HttpMethod.Get, new Uri("https://example.amazonaws.com/x"), new AwsCredentials("AKID", "s", "tok+en/="),
            "us-east-1", "kinesis", SigV4SuiteTests.Now, TimeSpan.FromMinutes(5));

        Assert.Contains("X-Amz-Security-Token=tok%2Ben%2F%3D", url.Query, StringComparison.Ordinal);
        using var message = new HttpRequestMessage(HttpMethod.Get, url);
        message.Headers.Host = "example.amazonaws.com";
        var verifier = new SigV4Verifier(new Dictionary<string, string> { ["AKID"] = "s" }, new ManualTimeProvider(SigV4SuiteTests.Now));
        Assert.True(verifier.Verify(AspNetRequests.From(message), []).IsOk);

        var tampered = url.AbsoluteUri.Replace("tok%2Ben", "tok%2Bxx", StringComparison.Ordinal);
        using var forged = new HttpRequestMessage(HttpMethod.Get, tampered);
        forged.Headers.Host = "example.amazonaws.com";
        Assert.Equal(SigV4ErrorTypes.InvalidSignature, verifier.Verify(AspNetRequests.From(forged), []).ErrorType);
    }
}
