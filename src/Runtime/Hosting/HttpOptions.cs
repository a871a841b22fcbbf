namespace Platform.Runtime.Hosting;

/// <summary>The one HTTP port for every API and page. Bound from <c>Platform:Http</c>.</summary>
public sealed class HttpOptions
{
    public const string Section = "Platform:Http";

    /// <summary>TCP port (default 4566, as other Kinesis-compatible local endpoints use).</summary>
    public int Port { get; set; } = 4566;

    /// <summary>Address to bind: loopback by default; "0.0.0.0" or "*" to accept other machines.</summary>
    public string BindAddress { get; set; } = "localhost";
}
