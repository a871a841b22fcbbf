using Platform.Functions.Clickstream;
using Platform.Functions.Commands;
using Platform.Runtime.Hosting;
using Platform.Triggers.Hosting;
using Platform.Video.Hls;
using Platform.Video.Hosting;
using Platform.Video.Ingest.Rtmp;
using Platform.Video.Ingest.WebRtc.Whip;

// The platform in one process: the README's run command starts this. `produce` and `redrive` are tools for the samples.
if (args is ["produce", .. var produceArgs])
{
    return await ProduceCommand.RunAsync(produceArgs);
}

var builder = PlatformApplication.CreateBuilder(args is ["redrive", ..] ? [] : args);
builder.AddStreamTriggers();
builder.Services.AddPlatformVideo(builder.Configuration).AddRtmpIngest(builder.Configuration).AddWhipIngest(builder.Configuration).AddVideoPlayback(builder.Configuration);
builder.Services.AddSingleton<PageViewCounter>();
var app = builder.Build();
app.UseVideoPlayback();
app.MapPlatform();
app.MapWhip();
app.MapGet("/samples/clickstream", (PageViewCounter counter) => counter.Snapshot());
if (args is ["redrive", .. var redriveArgs])
{
    await app.InitializeStorageAsync();
    return await RedriveCommand.RunAsync(app.Services, redriveArgs);
}

return await app.RunPlatformAsync();
