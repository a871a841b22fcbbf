namespace Platform.Runtime.Functions;

/// <summary>
/// Marks a method as a function the host discovers at start-up and invokes when its trigger fires, as
/// <c>[Function("Name")]</c> in the Azure Functions isolated worker. The declaring class is created from the app's
/// services (constructor injection) for each invocation.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FunctionAttribute(string name) : Attribute
{
    /// <summary>The function's name: unique in the app; it names the function's checkpoints, metrics and logs.</summary>
    public string Name { get; } = name;
}
