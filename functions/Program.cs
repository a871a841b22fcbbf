using Platform.Runtime.Hosting;

// The platform in one process: the README's run command starts this.
var builder = PlatformApplication.CreateBuilder(args);
var app = builder.Build();
app.MapPlatform();
await app.InitializeStorageAsync();
await app.RunAsync();
