using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Storage.Embedded;
using Platform.Streams.Api;
using Platform.Streams.Service;

namespace Platform.Streams.Tests;

/// <summary>
/// The Kinesis API's request handler over a stream service on a real embedded store in a temporary folder, with one
/// stream made: requests go in as <see cref="DefaultHttpContext"/>s, answers come out of a memory stream.
/// </summary>
internal sealed class ApiOnEmbeddedStore : IAsyncDisposable
{
    private readonly string _folder;
    private readonly EmbeddedBlobStore _store;
    private readonly ServiceProvider _services;

    private ApiOnEmbeddedStore(string folder, EmbeddedBlobStore store, StreamService service, ServiceProvider services, string stream)
    {
        (_folder, _store, Service, _services, Stream) = (folder, store, service, services, stream);
    }

    public StreamService Service { get; }

    /// <summary>The stream made at the start.</summary>
    public string Stream { get; }

    public static async Task<ApiOnEmbeddedStore> StartAsync(string prefix, int shards, StreamsOptions? options = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"platform-{prefix}-" + Guid.NewGuid().ToString("N"));
        var store = EmbeddedBlobStore.Open(new EmbeddedBlobStoreOptions { DataPath = folder });
        await StreamService.InitializeAsync(store, CancellationToken.None);
        var service = new StreamService(store, options ?? new StreamsOptions(), new ShardIteratorCodec(RandomNumberGenerator.GetBytes(32)), TimeProvider.System, NullLogger<StreamService>.Instance);
        var services = new ServiceCollection().AddSingleton(service).AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance).BuildServiceProvider();
        var stream = $"{prefix}-" + Guid.NewGuid().ToString("N")[..8];
        await service.CreateStreamAsync(stream, shards, null, CancellationToken.None);
        await service.WhenIdleAsync();
        return new ApiOnEmbeddedStore(folder, store, service, services, stream);
    }

    /// <summary>Runs one request through the handler; returns the status and the whole answer body.</summary>
    public async Task<(int Status, byte[] Body)> SendAsync(string operation, byte[] body)
    {
        var context = new DefaultHttpContext { RequestServices = _services };
        context.Request.Method = "POST";
        context.Request.Headers["X-Amz-Target"] = KinesisApi.TargetPrefix + operation;
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = body.Length;
        var response = new MemoryStream();
        context.Response.Body = response;
        await KinesisApi.HandleAsync(context);
        await context.Response.BodyWriter.FlushAsync();
        return (context.Response.StatusCode, response.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await _services.DisposeAsync();
        _store.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
