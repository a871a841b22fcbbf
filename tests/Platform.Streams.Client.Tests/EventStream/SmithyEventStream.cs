using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.Streams.Client.Tests.EventStream;

/// <summary>
/// Runs smithy-eventstream.mjs: the event stream codec and Kinesis client of the AWS SDK for JavaScript v3,
/// from infra/node_modules, as an independent implementation to check ours against.
/// </summary>
internal static class SmithyEventStream
{
    private static readonly string Script = Path.Combine(RepoPaths.Root, "tests", "Platform.Streams.Client.Tests", "EventStream", "smithy-eventstream.mjs");

    public static async Task<JsonNode> RunAsync(string mode, JsonObject request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // Any bin from infra/package.json shows `npm ci` ran; the SDK packages come with the same install.
        await NodeTools.EnsureInstalledAsync("kinesalite", timeout.Token);

        var start = new ProcessStartInfo("node")
        {
            ArgumentList = { Script, RepoPaths.Infra, mode },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["NODE_NO_WARNINGS"] = "1" },
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("Cannot start node; install Node.js 20 or later.");
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.StandardInput.WriteAsync(request.ToJsonString().AsMemory(), timeout.Token);
        node.StandardInput.Close();
        try
        {
            await node.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            node.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout;
        if (node.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(Script)} {mode} exited with {node.ExitCode}: {await stderr}{output}");
        }

        return JsonNode.Parse(output) ?? throw new InvalidOperationException($"{Path.GetFileName(Script)} {mode} printed nothing.");
    }

    public static JsonObject Request(params (string Name, JsonNode? Value)[] members)
    {
        var request = new JsonObject();
        foreach (var (name, value) in members)
        {
            request[name] = value;
        }

        return request;
    }

    public static string Text(JsonNode? node) => node?.GetValue<string>() ?? throw new JsonException("Expected a string.");
}
