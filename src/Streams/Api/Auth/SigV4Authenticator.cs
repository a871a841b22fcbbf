using Microsoft.AspNetCore.Http;
using Platform.Streams.Service;

namespace Platform.Streams.Api.Auth;

/// <summary>Checks each Kinesis request's SigV4 signature against the configured access keys.</summary>
public sealed class SigV4Authenticator : IKinesisAuthenticator
{
    private readonly SigV4Verifier _verifier;

    public SigV4Authenticator(StreamsOptions options, TimeProvider time)
    {
        var keys = options.AccessKeys.ToDictionary(k => k.AccessKeyId, k => k.SecretAccessKey, StringComparer.Ordinal);
        _verifier = new SigV4Verifier(keys, time, new SigV4VerifierOptions { Region = options.Region, Service = "kinesis" });
    }

    public AuthFailure? Authenticate(HttpRequest request, ReadOnlySpan<byte> body)
    {
        var result = _verifier.Verify(request, body);
        return result.IsOk ? null : new AuthFailure(result.ErrorType!, result.Message!);
    }
}
