using Platform.Benchmarks.Functions;
using Platform.Benchmarks.Kinesis;
using Platform.Benchmarks.StorageAppend;
using Platform.Benchmarks.Video;
using Platform.Benchmarks.WebRtc;

// Usage: dotnet run -c Release --project tests/Platform.Benchmarks -- <command> [options]
// Each command writes a Markdown table with its figures to bench-results/ (or --out DIR).
return args.FirstOrDefault() switch
{
    "storage-append" => await StorageAppendCommand.RunAsync(args),
    "kinesis" => await KinesisCommand.RunAsync(args),
    "functions" => await FunctionsCommand.RunAsync(args),
    "video" => await VideoCommand.RunAsync(args),
    "webrtc" => await WebRtcCommand.RunAsync(args),
    _ => await UsageAsync(),
};

static async Task<int> UsageAsync()
{
    await Console.Error.WriteLineAsync($"usage:\n  {StorageAppendCommand.Usage}\n  {KinesisCommand.Usage}\n  {FunctionsCommand.Usage}\n  {VideoCommand.Usage}\n  {WebRtcCommand.Usage}");
    return 2;
}
