using System.Net;
using Microsoft.Extensions.Options;

namespace Platform.Video.Ingest.Rtmp;

/// <summary>Fails start-up with a message naming the bad <c>Platform:Video:Rtmp</c> key.</summary>
internal sealed class RtmpOptionsValidator : IValidateOptions<RtmpOptions>
{
    public ValidateOptionsResult Validate(string? name, RtmpOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{RtmpOptions.Section}:Port must be 0–65535 (0 picks a free port), not {options.Port}.");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{RtmpOptions.Section}:BindAddress must be an IP address such as 0.0.0.0 or 127.0.0.1, not '{options.BindAddress}'.");
        }

        if (options.MaxConnections is < 1 or > 100_000)
        {
            failures.Add($"{RtmpOptions.Section}:MaxConnections must be 1–100000, not {options.MaxConnections}.");
        }

        if (options.HandshakeTimeout <= TimeSpan.Zero || options.HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{RtmpOptions.Section}:HandshakeTimeout must be between 0 and 5 minutes, not {options.HandshakeTimeout}.");
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.IdleTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{RtmpOptions.Section}:IdleTimeout must be between 0 and 1 hour, not {options.IdleTimeout}.");
        }

        if (options.MaxMessageSize is < 64 * 1024 or > 64 * 1024 * 1024)
        {
            failures.Add($"{RtmpOptions.Section}:MaxMessageSize must be 65536–67108864 bytes, not {options.MaxMessageSize}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
