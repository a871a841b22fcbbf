using System.Buffers;

namespace Platform.Streams.Service;

/// <summary>Stream and consumer names and ARNs, as Kinesis spells and checks them.</summary>
public static class StreamNames
{
    private static readonly SearchValues<char> Allowed = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");

    /// <summary>Checks a stream or consumer name (1 to 128 of a-z, A-Z, 0-9, _ . -).</summary>
    public static void Validate(string? name, string member)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw KinesisErrors.Constraint(member, name ?? "null", "Member must not be null and must have length greater than or equal to 1");
        }

        if (name.Length > 128)
        {
            throw KinesisErrors.Constraint(member, name, "Member must have length less than or equal to 128");
        }

        if (name.AsSpan().ContainsAnyExcept(Allowed))
        {
            throw KinesisErrors.Constraint(member, name, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
        }
    }

    public static string StreamArn(StreamsOptions options, string name) => $"arn:aws:kinesis:{options.Region}:{options.AccountId}:stream/{name}";

    /// <summary>The stream a request names, by StreamName or StreamARN (either is accepted; both must agree).</summary>
    public static string Resolve(StreamsOptions options, string? streamName, string? streamArn)
    {
        if (streamArn is not null)
        {
            var fromArn = ParseStreamArn(options, streamArn);
            if (streamName is not null && streamName != fromArn)
            {
                throw KinesisErrors.InvalidArgument($"StreamName {streamName} and StreamARN {streamArn} name different streams.");
            }

            return fromArn;
        }

        if (streamName is null)
        {
            throw KinesisErrors.InvalidArgument("Either StreamName or StreamARN must be provided.");
        }

        Validate(streamName, "streamName");
        return streamName;
    }

    public static string ParseStreamArn(StreamsOptions options, string arn)
    {
        var prefix = $"arn:aws:kinesis:{options.Region}:{options.AccountId}:stream/";
        if (arn.Length > 2048 || !arn.StartsWith("arn:aws:kinesis:", StringComparison.Ordinal))
        {
            throw KinesisErrors.Constraint("streamARN", arn, "Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
        }

        if (!arn.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new KinesisException(KinesisErrors.ResourceNotFound, $"Stream ARN {arn} is not in this service's region {options.Region} and account {options.AccountId}.");
        }

        var name = arn[prefix.Length..];
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            name = name[..slash];
        }

        Validate(name, "streamARN");
        return name;
    }

    /// <summary>Splits a consumer ARN (<c>{streamArn}/consumer/{name}:{created}</c>) into stream and consumer names.</summary>
    public static (string Stream, string Consumer) ParseConsumerArn(StreamsOptions options, string arn)
    {
        var stream = ParseStreamArn(options, arn);
        var marker = $"stream/{stream}/consumer/";
        var at = arn.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            throw KinesisErrors.InvalidArgument($"ConsumerARN {arn} is not a consumer ARN.");
        }

        var rest = arn[(at + marker.Length)..];
        var colon = rest.LastIndexOf(':');
        return (stream, colon > 0 ? rest[..colon] : rest);
    }
}
