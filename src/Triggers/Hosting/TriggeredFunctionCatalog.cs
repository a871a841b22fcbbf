using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Platform.Runtime.Functions;
using Platform.Storage;
using Platform.Streams.Service;
using Platform.Triggers.Binding;
using Platform.Triggers.Destinations;
using Platform.Triggers.Engine;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Hosting;

/// <summary>
/// The app's stream-triggered functions, discovered and bound once at start-up with their settings validated;
/// any problem fails start-up with a message naming the function and the setting.
/// </summary>
public sealed class TriggeredFunctionCatalog
{
    public TriggeredFunctionCatalog(IEnumerable<FunctionDefinition> definitions, IConfiguration configuration, IOptions<StreamsExtensionOptions> host,
        StreamService streams, IBlobStore store, TimeProvider time)
    {
        var timeout = StreamTriggerSettingsResolver.FunctionTimeout(configuration);
        StreamTriggerSettingsResolver.ValidateHost(host.Value, timeout);
        var region = streams.Options.Region;
        var account = streams.Options.AccountId;
        var functions = new List<TriggeredFunction>();
        foreach (var definition in definitions)
        {
            var invoker = FunctionInvoker.TryCreate(definition);
            if (invoker is null)
            {
                continue;
            }

            var settings = StreamTriggerSettingsResolver.Resolve(definition.Name, invoker.Trigger, host.Value, timeout, configuration);
            IFailureDestination? destination = null;
            if (settings.OnFailure is { } onFailure)
            {
                FailureDestinationAddress.TryParse(onFailure, out var address);
                destination = address.IsBlobContainer
                    ? new BlobFailureDestination(store, address.Name, region, account, time)
                    : new StreamFailureDestination(streams, store, address.Name, region, account, time);
            }

            functions.Add(new TriggeredFunction(settings with { Stream = StreamNames.Resolve(streams.Options, settings.Stream.StartsWith("arn:", StringComparison.Ordinal) ? null : settings.Stream, settings.Stream.StartsWith("arn:", StringComparison.Ordinal) ? settings.Stream : null) }, invoker, destination));
        }

        Functions = functions;
    }

    public IReadOnlyList<TriggeredFunction> Functions { get; }

    /// <summary>Creates the failure destinations' containers (and destination streams) so problems show at start-up.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        foreach (var function in Functions)
        {
            switch (function.OnFailure)
            {
                case BlobFailureDestination blob:
                    await blob.InitializeAsync(cancellationToken);
                    break;
                case StreamFailureDestination stream:
                    await stream.InitializeAsync(cancellationToken);
                    break;
            }
        }
    }

    /// <summary>The function definitions registered for discovery.</summary>
    internal static IEnumerable<FunctionDefinition> Definitions(IServiceProvider services) => services.GetServices<FunctionDefinition>();
}
