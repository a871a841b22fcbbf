using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;

namespace Platform.Testing;

/// <summary>
/// A network namespace joined to the host by a veth pair, made for one test and deleted afterwards (see
/// TESTBED.md): Chromium gathers no candidates on loopback, so it publishes from inside the namespace to the host end.
/// </summary>
public sealed class TestNetworkNamespace : IDisposable
{
    private TestNetworkNamespace(string id, int subnet)
    {
        Name = "wr" + id;
        HostInterface = "vh" + id;
        PeerInterface = "vn" + id;
        HostAddress = IPAddress.Parse($"10.{subnet >> 8}.{subnet & 0xFF}.1");
        PeerAddress = IPAddress.Parse($"10.{subnet >> 8}.{subnet & 0xFF}.2");
    }

    public string Name { get; }

    public string HostInterface { get; }

    public string PeerInterface { get; }

    public IPAddress HostAddress { get; }

    public IPAddress PeerAddress { get; }

    public static TestNetworkNamespace Create()
    {
        foreach (var tool in new[] { "/usr/sbin/ip", "/usr/sbin/tc" })
        {
            if (!File.Exists(tool) && !File.Exists(tool.Replace("/usr/sbin", "/sbin", StringComparison.Ordinal)))
            {
                throw new InvalidOperationException($"{Path.GetFileName(tool)} (Debian package iproute2) is needed to make a test network namespace.");
            }
        }

        if (Environment.UserName != "root")
        {
            throw new InvalidOperationException("Making a network namespace needs root.");
        }

        var id = RandomNumberGenerator.GetHexString(6, lowercase: true);
        var subnet = (RandomNumberGenerator.GetInt32(100, 200) << 8) | RandomNumberGenerator.GetInt32(1, 250);
        var ns = new TestNetworkNamespace(id, subnet);
        try
        {
            Run("ip", $"netns add {ns.Name}");
            Run("ip", $"link add {ns.HostInterface} type veth peer name {ns.PeerInterface}");
            Run("ip", $"link set {ns.PeerInterface} netns {ns.Name}");
            Run("ip", $"addr add {ns.HostAddress}/24 dev {ns.HostInterface}");
            Run("ip", $"link set {ns.HostInterface} up");
            ns.Exec("ip", $"addr add {ns.PeerAddress}/24 dev {ns.PeerInterface}");
            ns.Exec("ip", $"link set {ns.PeerInterface} up");
            ns.Exec("ip", "link set lo up");

            // Chromium gathers an address only with a default route; forwarding is off, so nothing leaves the machine.
            ns.Exec("ip", $"route add default via {ns.HostAddress}");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Adds random loss to what the namespace sends (the publisher's media); false when the kernel lacks netem.</summary>
    public bool TryAddLoss(double percent)
    {
        var (code, error) = TryRun(
            "ip", $"netns exec {Name} tc qdisc add dev {PeerInterface} root netem loss {percent.ToString(System.Globalization.CultureInfo.InvariantCulture)}%");
        return code == 0 || (error.Contains("qdisc kind is unknown", StringComparison.Ordinal)
            ? false
            : throw new InvalidOperationException("tc netem failed: " + error));
    }

    public void Exec(string command, string arguments) => Run("ip", $"netns exec {Name} {command} {arguments}");

    /// <summary>How to start <paramref name="file"/> inside the namespace (<c>ip netns exec</c> execs it: the process id is the program's own).</summary>
    /// <param name="file">The program's path.</param>
    /// <param name="arguments">Its arguments.</param>
    public ProcessStartInfo StartInfo(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])["netns", "exec", Name, file, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public void Dispose()
    {
        TryRun("ip", $"netns del {Name}");
        TryRun("ip", $"link del {HostInterface}");
    }

    private static void Run(string command, string arguments)
    {
        var (code, error) = TryRun(command, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"'{command} {arguments}' failed ({code}): {error}");
        }
    }

    private static (int Code, string Error) TryRun(string command, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
