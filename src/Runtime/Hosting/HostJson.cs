using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Platform.Runtime.Hosting;

/// <summary>
/// Reads <c>host.json</c> (Azure Functions schema style, <c>"version": "2.0"</c>) into configuration:
/// its whole tree under <c>Host:</c> for the subsystems that own its sections, and its
/// <c>logging:logLevel</c> as the default log levels. appsettings.json and environment variables override it.
/// </summary>
public static class HostJson
{
    public const string FileName = "host.json";
    public const string Section = "Host";

    /// <summary>Finds host.json in <paramref name="workingDirectory"/>, else beside the app's binaries; null when there is none.</summary>
    public static string? Locate(string workingDirectory)
    {
        foreach (var folder in new[] { workingDirectory, AppContext.BaseDirectory })
        {
            var candidate = Path.Combine(folder, FileName);
            if (File.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }

        return null;
    }

    /// <summary>Loads the file into key/value pairs, failing with a message that names the file and the problem.</summary>
    public static IReadOnlyDictionary<string, string?> Load(string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"{path} must hold a JSON object.");
            }

            if (!document.RootElement.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.String || version.GetString() != "2.0")
            {
                throw new InvalidOperationException($"{path} must declare \"version\": \"2.0\".");
            }

            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(document.RootElement, Section, values);
            foreach (var (key, value) in values.ToList())
            {
                const string logLevels = Section + ":logging:logLevel:";
                if (key.StartsWith(logLevels, StringComparison.OrdinalIgnoreCase))
                {
                    values["Logging:LogLevel:" + key[logLevels.Length..]] = value;
                }
            }

            return values;
        }
    }

    /// <summary>Adds host.json beneath every other configuration source, so they override it.</summary>
    public static void AddTo(IConfigurationBuilder configuration, string path)
    {
        var source = new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource { InitialData = Load(path) };
        configuration.Sources.Insert(0, source);
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string?> values)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix + ":" + property.Name, values);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Flatten(item, prefix + ":" + i++, values);
                }

                break;
            case JsonValueKind.Null:
                values[prefix] = null;
                break;
            default:
                values[prefix] = element.ValueKind == JsonValueKind.String ? element.GetString() : element.GetRawText();
                break;
        }
    }
}
