namespace Platform.Streams.Api.Auth;

/// <summary>What <see cref="SigV4Verifier"/> accepts. Defaults follow AWS.</summary>
public sealed class SigV4VerifierOptions
{
    /// <summary>The region the credential scope must name; null accepts any region (default).</summary>
    public string? Region { get; set; }

    /// <summary>The service the credential scope must name; null accepts any (default). Kinesis clients sign for <c>kinesis</c>.</summary>
    public string? Service { get; set; }

    /// <summary>How far X-Amz-Date may be from the server's clock. Default 5 minutes, as AWS.</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest X-Amz-Expires a presigned request may ask for. Default 7 days, as AWS.</summary>
    public TimeSpan MaxPresignedExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Accept <c>x-amz-content-sha256: UNSIGNED-PAYLOAD</c>, leaving the body unsigned. Default false.</summary>
    public bool AllowUnsignedPayload { get; set; }

    /// <summary>The longest Authorization header parsed. Default 8 KiB.</summary>
    public int MaxAuthorizationLength { get; set; } = 8 * 1024;

    /// <summary>The most headers a request may sign. Default 64.</summary>
    public int MaxSignedHeaders { get; set; } = 64;

    /// <summary>The most characters the values of the signed headers may add up to. Default 64 KiB.</summary>
    public int MaxSignedHeaderChars { get; set; } = 64 * 1024;

    /// <summary>Throws with a message naming the bad setting.</summary>
    public void Validate()
    {
        if (MaxClockSkew <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SigV4VerifierOptions.MaxClockSkew must be positive, not {MaxClockSkew}.");
        }

        if (MaxPresignedExpiry <= TimeSpan.Zero)
        {
            throw new ArgumentException($"SigV4VerifierOptions.MaxPresignedExpiry must be positive, not {MaxPresignedExpiry}.");
        }

        if (MaxAuthorizationLength < 128)
        {
            throw new ArgumentException($"SigV4VerifierOptions.MaxAuthorizationLength must be at least 128, not {MaxAuthorizationLength}.");
        }

        if (MaxSignedHeaders < 1)
        {
            throw new ArgumentException($"SigV4VerifierOptions.MaxSignedHeaders must be at least 1, not {MaxSignedHeaders}.");
        }

        if (MaxSignedHeaderChars < 256)
        {
            throw new ArgumentException($"SigV4VerifierOptions.MaxSignedHeaderChars must be at least 256, not {MaxSignedHeaderChars}.");
        }
    }
}
