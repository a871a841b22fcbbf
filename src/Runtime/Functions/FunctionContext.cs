using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Runtime.Functions;

/// <summary>
/// What a function knows about the invocation it is in, as the Azure Functions isolated worker's
/// <c>FunctionContext</c>: ids, the trigger's metadata, the invocation's services and logger.
/// </summary>
public sealed class FunctionContext
{
    public FunctionContext(string functionName, string invocationId, int attempt, IServiceProvider instanceServices, IReadOnlyDictionary<string, object?> triggerMetadata, CancellationToken cancellationToken)
    {
        FunctionName = functionName;
        InvocationId = invocationId;
        Attempt = attempt;
        InstanceServices = instanceServices;
        TriggerMetadata = triggerMetadata;
        CancellationToken = cancellationToken;
    }

    public string FunctionName { get; }

    /// <summary>Unique per invocation (a retry of the same batch is a new invocation with a higher <see cref="Attempt"/>).</summary>
    public string InvocationId { get; }

    /// <summary>1 for the first invocation of a batch, 2 for its first retry, and so on.</summary>
    public int Attempt { get; }

    /// <summary>The invocation's scoped services.</summary>
    public IServiceProvider InstanceServices { get; }

    /// <summary>Trigger-specific values (for stream triggers: stream name, shard id, ARN, batch bounds).</summary>
    public IReadOnlyDictionary<string, object?> TriggerMetadata { get; }

    /// <summary>Fires on the function timeout and when the host shuts down.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Free-form state shared by middleware and the function for this invocation.</summary>
    public IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

    /// <summary>A logger whose category is the function's name.</summary>
    public ILogger Logger => field ??= GetLogger("Function." + FunctionName);

    public ILogger GetLogger(string categoryName) => InstanceServices.GetRequiredService<ILoggerFactory>().CreateLogger(categoryName);
}
