using System.Reflection;

namespace Platform.Runtime.Functions;

/// <summary>A discovered function: its name and the method that implements it.</summary>
public sealed record FunctionDefinition(string Name, Type DeclaringType, MethodInfo Method);
