using System.Reflection;

namespace Platform.Runtime.Functions;

/// <summary>Finds <see cref="FunctionAttribute"/> methods once at start-up; invocation never reflects again.</summary>
public static class FunctionDiscovery
{
    /// <exception cref="InvalidOperationException">Two functions share a name, or a function is declared on a type the host cannot create.</exception>
    public static IReadOnlyList<FunctionDefinition> Discover(IEnumerable<Type> types)
    {
        var found = new List<FunctionDefinition>();
        foreach (var type in types)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly))
            {
                if (method.GetCustomAttribute<FunctionAttribute>() is not { } attribute)
                {
                    continue;
                }

                if (string.IsNullOrWhiteSpace(attribute.Name) || attribute.Name.Length > 128 || !attribute.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    throw new InvalidOperationException($"Function name '{attribute.Name}' on {type.FullName}.{method.Name} must be 1 to 128 letters, digits, '-' or '_'.");
                }

                if (!method.IsStatic && (type.IsAbstract || type.IsGenericTypeDefinition))
                {
                    throw new InvalidOperationException($"Function {attribute.Name}: {type.FullName} must be a concrete class the host can create.");
                }

                found.Add(new FunctionDefinition(attribute.Name, type, method));
            }
        }

        var duplicate = found.GroupBy(f => f.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        return duplicate is not null
            ? throw new InvalidOperationException($"Function name '{duplicate.Key}' is used by {string.Join(" and ", duplicate.Select(f => f.DeclaringType.FullName + "." + f.Method.Name))}; names must be unique.")
            : found;
    }

    public static IReadOnlyList<FunctionDefinition> Discover(Assembly assembly) => Discover(assembly.GetTypes());
}
