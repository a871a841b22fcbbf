using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Storage;
using Platform.Streams.Api;
using Platform.Streams.Api.Auth;
using Platform.Streams.Service;

namespace Platform.Streams.Hosting;

/// <summary>Registers the stream service, its options (validated at start-up) and its maintenance loop.</summary>
public static class StreamsHosting
{
    private static readonly BlobPath IteratorKeyPath = new(StreamService.Container, "keys/iterator");

    public static IServiceCollection AddPlatformStreams(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StreamsOptions>().Bind(configuration.GetSection(StreamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StreamsOptions>, StreamsOptionsValidator>();
        services.AddSingleton<IteratorKey>();
        services.AddSingleton(sp => new ShardIteratorCodec(sp.GetRequiredService<IteratorKey>().Value));
        services.AddSingleton(sp => new StreamService(
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<IOptions<StreamsOptions>>().Value,
            sp.GetRequiredService<ShardIteratorCodec>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<StreamService>>()));
        services.AddHostedService<StreamMaintenanceService>();

        // With access keys configured every request must carry a valid SigV4 signature; without, any is accepted.
        var keys = configuration.GetSection(StreamsOptions.Section).Get<StreamsOptions>()?.AccessKeys;
        if (keys is { Count: > 0 })
        {
            services.AddSingleton<IKinesisAuthenticator>(sp => new SigV4Authenticator(sp.GetRequiredService<IOptions<StreamsOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        }

        return services;
    }

    /// <summary>
    /// Creates the streams container and loads the key that signs shard iterators, shared by every host on the
    /// storage account (the first host creates it), so an iterator from one host works on any other.
    /// </summary>
    public static async Task InitializeStreamsAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var store = services.GetRequiredService<IBlobStore>();
        await StreamService.InitializeAsync(store, cancellationToken);
        services.GetRequiredService<IteratorKey>().Value = await LoadOrCreateKeyAsync(store, cancellationToken);
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Streams");
        var options = services.GetRequiredService<IOptions<StreamsOptions>>().Value;
        if (options.AccessKeys.Count == 0)
        {
            StreamsLog.AnySignatureAccepted(logger);
        }
        else
        {
            StreamsLog.SignaturesVerified(logger, options.AccessKeys.Count);
        }
    }

    internal static async Task<byte[]> LoadOrCreateKeyAsync(IBlobStore store, CancellationToken cancellationToken)
    {
        try
        {
            await store.PutBlockBlobAsync(IteratorKeyPath, RandomNumberGenerator.GetBytes(32), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }, cancellationToken);
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            // Another host made it first; everyone uses that one.
        }

        var key = (await store.ReadAsync(IteratorKeyPath, cancellationToken: cancellationToken)).Content.ToArray();
        return key.Length >= 32 ? key : throw new InvalidDataException($"The iterator key {IteratorKeyPath} is {key.Length} bytes; delete it to make a new one.");
    }

    /// <summary>The iterator-signing key, set once at start-up.</summary>
    internal sealed class IteratorKey
    {
        private byte[]? _value;

        public byte[] Value
        {
            get => _value ?? throw new InvalidOperationException("Streams are not initialised: call InitializeStreamsAsync at start-up.");
            set => _value = value;
        }
    }
}

internal sealed class StreamsOptionsValidator : IValidateOptions<StreamsOptions>
{
    public ValidateOptionsResult Validate(string? name, StreamsOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Runs <see cref="StreamService.RunMaintenanceAsync"/> every few seconds on every host.</summary>
internal sealed class StreamMaintenanceService(StreamService service, IOptions<StreamsOptions> options, TimeProvider time, ILogger<StreamMaintenanceService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.MaintenanceIntervalSeconds), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await service.RunMaintenanceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                StreamsLog.MaintenanceFailed(logger, e);
            }
        }
    }
}

internal static partial class StreamsLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Warning, Message = "Kinesis API: no access keys configured (Platform:Streams:AccessKeys), so any request signature is accepted")]
    public static partial void AnySignatureAccepted(ILogger logger);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Kinesis API: SigV4 signatures are verified against {Count} configured access key(s)")]
    public static partial void SignaturesVerified(ILogger logger, int count);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Error, Message = "Stream maintenance pass failed; the next pass retries")]
    public static partial void MaintenanceFailed(ILogger logger, Exception exception);
}
