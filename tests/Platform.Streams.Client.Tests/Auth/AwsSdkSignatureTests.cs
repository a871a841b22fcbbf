using System.Diagnostics;
using System.Text.Json;
using Platform.Streams.Api.Auth;
using Platform.Streams.Client.Auth;
using Platform.Streams.Client.Tests.Infrastructure;
using Platform.Testing;

namespace Platform.Streams.Client.Tests.Auth;

/// <summary>
/// Requests signed by the real AWS SDK for JavaScript (@aws-sdk/client-kinesis and @smithy/signature-v4,
/// pinned in infra/package.json) verify on the server. The SDK signs more headers than our client
/// (amz-sdk-*, content-length, x-amz-content-sha256, x-amz-user-agent), which is the point.
/// </summary>
public sealed class AwsSdkSignatureTests
{
    private const string AccessKeyId = "AKIDSDKTEST";
    private const string Secret = "sdk/test+secret/0123456789abcdefghijklmnopqr";

    [Fact]
    public async Task RequestsSignedByTheAwsSdkForJavaScript_Verify_AndTamperedOnesDoNot()
    {
        var captured = await CaptureAsync();
        var verifier = new SigV4Verifier(new Dictionary<string, string> { [AccessKeyId] = Secret }, TimeProvider.System,
            new SigV4VerifierOptions { Region = "us-east-1", Service = "kinesis" });

        Assert.Equal(3, captured.Count);
        foreach (var request in captured)
        {
            var body = Convert.FromBase64String(request.GetProperty("body").GetString()!);
            var kind = request.GetProperty("kind").GetString();

            var result = verifier.Verify(ToAspNet(request), body);
            Assert.True(result.IsOk, $"{kind}: {result}");
            Assert.Equal(AccessKeyId, result.AccessKeyId);

            if (body.Length > 0)
            {
                body[^2] ^= 1;
                Assert.Equal(SigV4ErrorTypes.InvalidSignature, verifier.Verify(ToAspNet(request), body).ErrorType);
            }
        }
    }

    private static Microsoft.AspNetCore.Http.HttpRequest ToAspNet(JsonElement captured)
    {
        var query = captured.GetProperty("query").EnumerateObject()
            .Select(p => SigV4.UriEncode(p.Name) + "=" + SigV4.UriEncode(p.Value.GetString()!))
            .ToList();
        var target = captured.GetProperty("path").GetString() + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        var headers = captured.GetProperty("headers").EnumerateObject().Select(p => (p.Name, p.Value.GetString()!)).ToArray();
        return AspNetRequests.Raw(captured.GetProperty("method").GetString()!, target, headers);
    }

    private static async Task<List<JsonElement>> CaptureAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await NodeTools.EnsureInstalledAsync("kinesalite", timeout.Token);
        var script = Path.Combine(RepoPaths.Root, "tests", "Platform.Streams.Client.Tests", "Auth", "aws-sdk-sign.mjs");
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Infra,
        };
        foreach (var arg in new[] { script, RepoPaths.Infra, "http://127.0.0.1:4566", AccessKeyId, Secret })
        {
            psi.ArgumentList.Add(arg);
        }

        using var node = Process.Start(psi) ?? throw new InvalidOperationException("Cannot start node.");
        var stdout = node.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = node.StandardError.ReadToEndAsync(timeout.Token);
        await node.WaitForExitAsync(timeout.Token);
        Assert.True(node.ExitCode == 0, $"node exited {node.ExitCode}: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(static line =>
            {
                using var document = JsonDocument.Parse(line);
                return document.RootElement.Clone();
            })
            .ToList();
    }
}
