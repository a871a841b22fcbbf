namespace Platform.Streams.Client.Auth;

/// <summary>
/// An access key pair, with the session token of temporary credentials. <see cref="ToString"/> never
/// shows the secret or the token, so credentials can be logged by accident without leaking.
/// </summary>
public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null)
{
    public override string ToString() =>
        $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SecretAccessKey = ***, SessionToken = {(SessionToken is null ? "(none)" : "***")} }}";
}
