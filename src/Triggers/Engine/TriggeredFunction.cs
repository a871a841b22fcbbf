using Platform.Triggers.Binding;
using Platform.Triggers.Destinations;
using Platform.Triggers.Settings;

namespace Platform.Triggers.Engine;

/// <summary>One stream-triggered function as the host runs it: its effective settings, invoker and failure destination.</summary>
public sealed record TriggeredFunction(StreamTriggerSettings Settings, FunctionInvoker Invoker, IFailureDestination? OnFailure)
{
    public string Name => Settings.FunctionName;
}
