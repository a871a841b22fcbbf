namespace Platform.Video.Streams;

/// <summary>
/// Which publish session holds a stream, recorded in the stream document so that hosts sharing storage refuse a second
/// publisher too. The holder renews it well before <see cref="ExpiresAt"/>; a crashed host's claim simply expires.
/// </summary>
/// <param name="SessionId">The holding session.</param>
/// <param name="Host">The holding host, for logs and descriptions.</param>
/// <param name="Protocol">"rtmp" or "whip".</param>
/// <param name="ExpiresAt">When other hosts may take the stream over if the claim was not renewed.</param>
public sealed record PublisherClaim(string SessionId, string Host, string Protocol, DateTimeOffset ExpiresAt);
