using Platform.Runtime.Hosting;
using Platform.TestFunctions.Probes;
using Platform.Triggers.Hosting;

// A functions host like functions/Program.cs, running the probe functions of this assembly. Settings come as in any
// platform app: host.json keys as Host:..., Probe:* and Latency:* as app settings (environment or command line).
var builder = PlatformApplication.CreateBuilder(args);
builder.AddStreamTriggers();
builder.Services.AddSingleton<ProbeLog>();
var app = builder.Build();
app.MapPlatform();
return await app.RunPlatformAsync();
