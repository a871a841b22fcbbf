using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Testing;

/// <summary>Makes Blob-service account SAS tokens (version 2021-08-06 string-to-sign) for tests against Azurite.</summary>
public static class AccountSas
{
    public const string Version = "2021-08-06";

    /// <summary>A SAS query string; <paramref name="permissions"/> are account SAS letters in canonical order, e.g. "rwdlacup" or "rl".</summary>
    public static string Create(string accountName, string accountKeyBase64, string permissions, DateTimeOffset expiry)
    {
        const string services = "b";
        const string resourceTypes = "sco";
        const string protocol = "https,http";
        var se = expiry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        // accountname, permissions, services, resource types, start, expiry, IP, protocol, version, encryption scope, and a final newline.
        var stringToSign = string.Join('\n', accountName, permissions, services, resourceTypes, string.Empty, se, string.Empty, protocol, Version, string.Empty, string.Empty);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(accountKeyBase64), Encoding.UTF8.GetBytes(stringToSign)));
        return $"sv={Version}&ss={services}&srt={resourceTypes}&sp={permissions}&se={Uri.EscapeDataString(se)}&spr={Uri.EscapeDataString(protocol)}&sig={Uri.EscapeDataString(signature)}";
    }
}
