using System.Net;
using Microsoft.Extensions.Options;

namespace Platform.Video.Ingest.WebRtc.Transport;

/// <summary>Checks <see cref="WebRtcOptions"/> at start-up; each failure names the key to fix.</summary>
public sealed class WebRtcOptionsValidator : IValidateOptions<WebRtcOptions>
{
    public ValidateOptionsResult Validate(string? name, WebRtcOptions options)
    {
        var failures = new List<string>();
        var prefix = WebRtcOptions.SectionName + ":";
        if (options.Port is < 0 or > 65535)
        {
            failures.Add($"{prefix}Port must be between 0 and 65535 (got {options.Port}).");
        }

        if (!IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"{prefix}BindAddress '{options.BindAddress}' is not an IP address.");
        }

        for (var i = 0; i < options.PublicAddresses.Count; i++)
        {
            if (!IPAddress.TryParse(options.PublicAddresses[i], out _))
            {
                failures.Add($"{prefix}PublicAddresses:{i} '{options.PublicAddresses[i]}' is not an IP address.");
            }
        }

        if (options.SessionTimeout < TimeSpan.FromSeconds(1) || options.SessionTimeout > TimeSpan.FromHours(1))
        {
            failures.Add($"{prefix}SessionTimeout must be between 1 second and 1 hour (got {options.SessionTimeout}).");
        }

        if (options.MaxSessions is < 1 or > 10_000)
        {
            failures.Add($"{prefix}MaxSessions must be between 1 and 10000 (got {options.MaxSessions}).");
        }

        if (options.KeyframeInterval < TimeSpan.Zero)
        {
            failures.Add($"{prefix}KeyframeInterval must not be negative.");
        }

        if (options.VideoReorderWait < TimeSpan.FromMilliseconds(10) || options.VideoReorderWait > TimeSpan.FromSeconds(5))
        {
            failures.Add($"{prefix}VideoReorderWait must be between 10 ms and 5 s (got {options.VideoReorderWait}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
