using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Runtime.Functions;

namespace Platform.Triggers.Binding;

/// <summary>
/// Calls one stream-triggered function: built once at start-up from the method's signature (parameter shapes and
/// return type checked then, with compiled delegates), then invoked per batch without reflection. Creates the
/// function's class from a fresh service scope per invocation, applies the function timeout and turns exceptions,
/// timeouts and partial batch responses into an <see cref="InvocationResult"/>; it never throws for the function's faults.
/// </summary>
public sealed class FunctionInvoker
{
    private readonly Func<object?, object?[], object?> _call;
    private readonly Func<object?, ValueTask<StreamBatchResponse?>> _await;
    private readonly ObjectFactory? _factory;
    private readonly ParameterSource[] _sources;
    private readonly Type[] _parameterTypes;
    private readonly Func<IReadOnlyList<StreamRecord>, object> _batchArgument;
    private readonly Func<StreamRecord, object?> _singleArgument;

    private FunctionInvoker(FunctionDefinition definition, StreamTriggerAttribute trigger, bool perRecord, ParameterSource[] sources,
        Func<IReadOnlyList<StreamRecord>, object> batchArgument, Func<StreamRecord, object?> singleArgument, Func<object?, ValueTask<StreamBatchResponse?>> awaiter)
    {
        Definition = definition;
        Trigger = trigger;
        PerRecord = perRecord;
        _sources = sources;
        _parameterTypes = [.. definition.Method.GetParameters().Select(p => p.ParameterType)];
        _batchArgument = batchArgument;
        _singleArgument = singleArgument;
        _await = awaiter;
        _call = Compile(definition.Method);
        _factory = definition.Method.IsStatic ? null : ActivatorUtilities.CreateFactory(definition.DeclaringType, Type.EmptyTypes);
    }

    public FunctionDefinition Definition { get; }

    public StreamTriggerAttribute Trigger { get; }

    /// <summary>True when the function takes one record (or one POCO) per invocation.</summary>
    public bool PerRecord { get; }

    /// <summary>True when the function can return a partial batch response.</summary>
    public bool ReturnsBatchResponse { get; private init; }

    /// <summary>Builds the invoker for a function with a <see cref="StreamTriggerAttribute"/> parameter; null when it has none.</summary>
    /// <exception cref="InvalidOperationException">The signature is not one the host can bind; the message names the function and the parameter.</exception>
    public static FunctionInvoker? TryCreate(FunctionDefinition definition)
    {
        var parameters = definition.Method.GetParameters();
        var triggers = parameters.Where(p => p.GetCustomAttribute<StreamTriggerAttribute>() is not null).ToList();
        if (triggers.Count == 0)
        {
            return null;
        }

        if (triggers.Count > 1)
        {
            throw new InvalidOperationException($"Function {definition.Name} has {triggers.Count} [StreamTrigger] parameters; it may have one.");
        }

        var sources = new ParameterSource[parameters.Length];
        Func<IReadOnlyList<StreamRecord>, object> batchArgument = static _ => throw new InvalidOperationException();
        Func<StreamRecord, object?> singleArgument = static _ => throw new InvalidOperationException();
        var perRecord = false;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            var type = parameter.ParameterType;
            if (parameter == triggers[0])
            {
                sources[i] = ParameterSource.Trigger;
                if (ElementType(type) is { } element)
                {
                    batchArgument = BatchConverter(definition, element, type);
                }
                else
                {
                    perRecord = true;
                    singleArgument = SingleConverter(type);
                }
            }
            else if (type == typeof(FunctionContext))
            {
                sources[i] = ParameterSource.Context;
            }
            else if (type == typeof(CancellationToken))
            {
                sources[i] = ParameterSource.CancellationToken;
            }
            else if (type == typeof(ILogger))
            {
                sources[i] = ParameterSource.Logger;
            }
            else if (type.IsByRef || type.IsPointer)
            {
                throw new InvalidOperationException($"Function {definition.Name}: parameter '{parameter.Name}' cannot be by-reference.");
            }
            else
            {
                sources[i] = ParameterSource.Service;
            }
        }

        var (awaiter, returnsResponse) = Awaiter(definition);
        return new FunctionInvoker(definition, triggers[0].GetCustomAttribute<StreamTriggerAttribute>()!, perRecord, sources, batchArgument, singleArgument, awaiter)
        {
            ReturnsBatchResponse = returnsResponse,
        };
    }

    /// <summary>Invokes the function on <paramref name="batch"/> (or on each record in turn, for a per-record function).</summary>
    /// <param name="batch">The records, in shard order.</param>
    /// <param name="context">The invocation's context (its services are the scope to create the function's class from).</param>
    /// <param name="timeout">The function timeout; on expiry the token is cancelled and the invocation counts as failed.</param>
    /// <param name="honourBatchResponse">Whether a returned <see cref="StreamBatchResponse"/> is read (ReportBatchItemFailures).</param>
    public async ValueTask<InvocationResult> InvokeAsync(IReadOnlyList<StreamRecord> batch, FunctionContext context, TimeSpan timeout, bool honourBatchResponse)
    {
        if (!PerRecord)
        {
            object argument;
            try
            {
                argument = _batchArgument(batch);
            }
            catch (RecordDeserializationException e)
            {
                return InvocationResult.Error("DeserializationError", e.Message);
            }

            var result = await CallAsync(argument, context, timeout);
            if (result.Error is not null)
            {
                return result.Error.Value;
            }

            return honourBatchResponse ? Interpret(result.Response, batch) : InvocationResult.Success;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            object? argument;
            try
            {
                argument = _singleArgument(batch[i]);
            }
            catch (RecordDeserializationException e)
            {
                return InvocationResult.RecordFailed(i, "DeserializationError", e.Message);
            }

            var result = await CallAsync(argument, context, timeout);
            if (result.Error is { } error)
            {
                return InvocationResult.RecordFailed(i, error.FunctionError, error.Message);
            }
        }

        return InvocationResult.Success;
    }

    /// <summary>Reads a partial batch response as Lambda does.</summary>
    internal static InvocationResult Interpret(StreamBatchResponse? response, IReadOnlyList<StreamRecord> batch)
    {
        if (response is null || response.BatchItemFailures is null || response.BatchItemFailures.Count == 0)
        {
            return InvocationResult.Success;
        }

        var lowest = int.MaxValue;
        foreach (var failure in response.BatchItemFailures)
        {
            var index = failure?.ItemIdentifier is { Length: > 0 } id ? IndexOf(batch, id) : -1;
            if (index < 0)
            {
                return InvocationResult.Error("InvalidResponse", $"The batch item failure '{failure?.ItemIdentifier}' is not a sequence number of this batch; the whole batch counts as failed.");
            }

            lowest = Math.Min(lowest, index);
        }

        return InvocationResult.Partial(lowest, "ReportedFailure", $"The function reported {response.BatchItemFailures.Count} failed record(s), the lowest at {batch[lowest].SequenceNumber}.");
    }

    private static int IndexOf(IReadOnlyList<StreamRecord> batch, string sequenceNumber)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].SequenceNumber == sequenceNumber)
            {
                return i;
            }
        }

        return -1;
    }

    private async ValueTask<(StreamBatchResponse? Response, InvocationResult? Error)> CallAsync(object? triggerArgument, FunctionContext context, TimeSpan timeout)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeoutSource.CancelAfter(timeout);
        var services = context.InstanceServices;
        var arguments = new object?[_sources.Length];
        object? instance = null;
        try
        {
            for (var i = 0; i < _sources.Length; i++)
            {
                arguments[i] = _sources[i] switch
                {
                    ParameterSource.Trigger => triggerArgument,
                    ParameterSource.Context => context,
                    ParameterSource.CancellationToken => timeoutSource.Token,
                    ParameterSource.Logger => context.Logger,
                    _ => services.GetService(_parameterTypes[i])
                        ?? throw new InvalidOperationException($"Function {Definition.Name}: no service of type {_parameterTypes[i]} is registered."),
                };
            }

            instance = _factory?.Invoke(services, null);
            var returned = _call(instance, arguments);
            var pending = _await(returned);
            StreamBatchResponse? response;
            if (pending.IsCompleted)
            {
                response = await pending;
            }
            else
            {
                // A function that ignores its token is not waited for past the timeout (plus a grace period):
                // the batch counts as failed and the shard moves on to retry or bisect it.
                response = await pending.AsTask().WaitAsync(timeout + TimeSpan.FromSeconds(1), CancellationToken.None);
            }

            return (response, null);
        }
        catch (Exception e) when (timeoutSource.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested && e is OperationCanceledException or TimeoutException)
        {
            return (null, InvocationResult.Error("TimeoutError", $"The function did not finish within its timeout of {timeout}."));
        }
        catch (TimeoutException)
        {
            return (null, InvocationResult.Error("TimeoutError", $"The function did not finish within its timeout of {timeout}."));
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            var inner = e is TargetInvocationException { InnerException: { } wrapped } ? wrapped : e;
            return (null, InvocationResult.Error("Unhandled", $"{inner.GetType().Name}: {inner.Message}"));
        }
        finally
        {
            switch (instance)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    private static Func<object?, object?[], object?> Compile(MethodInfo method)
    {
        var instance = Expression.Parameter(typeof(object), "instance");
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var parameters = method.GetParameters();
        var converted = parameters.Select((p, i) => (Expression)Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(i)), p.ParameterType)).ToArray();
        Expression call = method.IsStatic
            ? Expression.Call(method, converted)
            : Expression.Call(Expression.Convert(instance, method.DeclaringType!), method, converted);
        var body = method.ReturnType == typeof(void)
            ? (Expression)Expression.Block(call, Expression.Constant(null, typeof(object)))
            : Expression.Convert(call, typeof(object));
        return Expression.Lambda<Func<object?, object?[], object?>>(body, instance, arguments).Compile();
    }

    private static (Func<object?, ValueTask<StreamBatchResponse?>> Awaiter, bool ReturnsResponse) Awaiter(FunctionDefinition definition)
    {
        var type = definition.Method.ReturnType;
        if (type == typeof(void))
        {
            return (static _ => ValueTask.FromResult<StreamBatchResponse?>(null), false);
        }

        if (type == typeof(Task))
        {
            return (static async returned => { await ((Task)returned!).ConfigureAwait(false); return null; }, false);
        }

        if (type == typeof(ValueTask))
        {
            return (static async returned => { await ((ValueTask)returned!).ConfigureAwait(false); return null; }, false);
        }

        if (type == typeof(StreamBatchResponse))
        {
            return (static returned => ValueTask.FromResult((StreamBatchResponse?)returned), true);
        }

        if (type == typeof(Task<StreamBatchResponse>))
        {
            return (static async returned => await ((Task<StreamBatchResponse>)returned!).ConfigureAwait(false), true);
        }

        if (type == typeof(ValueTask<StreamBatchResponse>))
        {
            return (static async returned => await ((ValueTask<StreamBatchResponse>)returned!).ConfigureAwait(false), true);
        }

        throw new InvalidOperationException($"Function {definition.Name} returns {type.Name}; a stream-triggered function returns void, Task, ValueTask, StreamBatchResponse or Task<StreamBatchResponse>.");
    }

    /// <summary>The element type when <paramref name="type"/> is a batch shape (array or list of records or POCOs); null for one record.</summary>
    private static Type? ElementType(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[]))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var open &&
            (open == typeof(IReadOnlyList<>) || open == typeof(IReadOnlyCollection<>) || open == typeof(IEnumerable<>) ||
             open == typeof(IList<>) || open == typeof(ICollection<>) || open == typeof(List<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    private static Func<IReadOnlyList<StreamRecord>, object> BatchConverter(FunctionDefinition definition, Type element, Type parameterType)
    {
        var wantsArray = parameterType.IsArray;
        var wantsList = parameterType.IsGenericType && parameterType.GetGenericTypeDefinition() is var open && (open == typeof(List<>) || open == typeof(IList<>) || open == typeof(ICollection<>));
        if (element == typeof(StreamRecord))
        {
            return wantsArray ? static batch => batch.ToArray()
                : wantsList ? static batch => batch.ToList()
                : static batch => batch;
        }

        if (element.IsAbstract && !element.IsInterface || element == typeof(object))
        {
            throw new InvalidOperationException($"Function {definition.Name}: records cannot be deserialized to {element.Name}.");
        }

        var convert = typeof(FunctionInvoker).GetMethod(nameof(DeserializeAll), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(element);
        var typed = convert.CreateDelegate<Func<IReadOnlyList<StreamRecord>, bool, object>>();
        return batch => typed(batch, wantsArray);
    }

    private static object DeserializeAll<T>(IReadOnlyList<StreamRecord> batch, bool asArray)
    {
        var items = new T[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            items[i] = Deserialize<T>(batch[i]);
        }

        return asArray ? items : items.ToList();
    }

    private static Func<StreamRecord, object?> SingleConverter(Type type)
    {
        if (type == typeof(StreamRecord))
        {
            return static record => record;
        }

        if (type == typeof(string))
        {
            return static record => record.DataAsString();
        }

        if (type == typeof(byte[]))
        {
            return static record => record.Data.ToArray();
        }

        var convert = typeof(FunctionInvoker).GetMethod(nameof(DeserializeOne), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        return convert.CreateDelegate<Func<StreamRecord, object?>>();
    }

    private static object? DeserializeOne<T>(StreamRecord record) => Deserialize<T>(record);

    private static T Deserialize<T>(StreamRecord record)
    {
        try
        {
            return record.Deserialize<T>() ?? throw new RecordDeserializationException($"Record {record.SequenceNumber} holds JSON null, not a {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new RecordDeserializationException($"Record {record.SequenceNumber} is not JSON of {typeof(T).Name}: {e.Message}");
        }
    }

    private enum ParameterSource
    {
        Trigger,
        Context,
        CancellationToken,
        Logger,
        Service,
    }

    private sealed class RecordDeserializationException(string message) : Exception(message);
}
