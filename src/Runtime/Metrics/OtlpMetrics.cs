using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;

namespace Platform.Runtime.Metrics;

/// <summary>
/// Exports the platform's meters over OTLP (HTTP/protobuf) when <c>Platform:Telemetry:OtlpEndpoint</c> (or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>) is set; every <c>Platform:Telemetry:ExportIntervalMilliseconds</c> (default 10,000).
/// </summary>
public static class OtlpMetrics
{
    public const string EndpointKey = "Platform:Telemetry:OtlpEndpoint";
    public const string IntervalKey = "Platform:Telemetry:ExportIntervalMilliseconds";

    public static IServiceCollection AddOtlpMetricsWhenConfigured(this IServiceCollection services, IConfiguration configuration)
    {
        var text = configuration[EndpointKey] ?? configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return services;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new OptionsValidationException(EndpointKey, typeof(Uri), [$"{EndpointKey} must be an http(s) URL such as http://localhost:4318, not '{text}'."]);
        }

        var interval = configuration.GetValue(IntervalKey, 10_000);
        if (interval is < 100 or > 3_600_000)
        {
            throw new OptionsValidationException(IntervalKey, typeof(int), [$"{IntervalKey} must be 100 to 3600000, not {interval}."]);
        }

        // The signal path is appended as the OTLP/HTTP specification says for a base endpoint.
        var metricsUri = new Uri(endpoint, endpoint.AbsolutePath.TrimEnd('/') + "/v1/metrics");
        services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder()
            .AddMeter("Platform.*")
            .AddOtlpExporter((exporter, reader) =>
            {
                exporter.Endpoint = metricsUri;
                exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = interval;
            })
            .Build());
        return services;
    }
}
