using Platform.Testing;
using Platform.Video.Tests.Hls;

namespace Platform.Video.Tests.Api;

public class VideoSdkTests
{
    [Fact]
    public async Task AwsSdkVideoClients_WorkAgainstTheVideoApi()
    {
        await NodeTools.EnsureInstalledAsync("playwright-core", CancellationToken.None);
        var media = await FfmpegFragments.GetAsync(6);
        await using var host = await PlaybackTestHost.StartAsync((reader, time) => media.AddTo(reader, "fixture-cam", time.GetUtcNow().AddSeconds(-10)));

        var result = await NodeScript.RunAsync(
            ["--test", "--test-reporter=spec", Path.Combine(RepoPaths.Root, "tests", "js", "video-api.test.cjs")],
            new Dictionary<string, string>
            {
                ["VIDEO_ENDPOINT"] = host.BaseUrl,
                ["VIDEO_FIXTURE_STREAM"] = "fixture-cam",
                ["VIDEO_FIXTURE_FRAGMENTS"] = media.Fragments.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, $"node --test tests/js/video-api.test.cjs failed: {result.Transcript}");
        Assert.Contains("skipped 0", result.StandardOutput, StringComparison.Ordinal);
    }
}
