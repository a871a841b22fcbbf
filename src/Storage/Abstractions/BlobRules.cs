using System.Net;

namespace Platform.Storage;

/// <summary>Argument rules both backends enforce before doing any I/O, so they reject the same inputs the same way.</summary>
public static class BlobRules
{
    public const int MaxContentTypeLength = 1024;

    /// <summary>Metadata names are C# identifiers; values are printable ASCII (they travel as HTTP headers); 8 KiB in total.</summary>
    public static void ValidateMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        var total = 0;
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in metadata)
        {
            if (key is not null && !names.Add(key))
            {
                throw Invalid($"Metadata names '{key}' and another differ only in case; names are case-insensitive.");
            }

            if (string.IsNullOrEmpty(key) || !(char.IsAsciiLetter(key[0]) || key[0] == '_') || !key.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                throw Invalid($"Metadata name '{key}' is not a valid identifier (ASCII letters, digits and '_', not starting with a digit).");
            }

            if (value is null || !value.All(static c => c is >= ' ' and <= '~') || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' ')))
            {
                throw Invalid($"Metadata value for '{key}' must be printable ASCII without leading or trailing spaces.");
            }

            total += key.Length + value.Length;
        }

        if (total > BlobLimits.MaxMetadataBytes)
        {
            throw Invalid($"Metadata is {total} bytes; the limit is {BlobLimits.MaxMetadataBytes}.");
        }

        static BlobStorageException Invalid(string message) => new(HttpStatusCode.BadRequest, BlobErrorCodes.InvalidMetadata, message);
    }

    public static void ValidateLeaseDuration(TimeSpan duration)
    {
        if (duration != Timeout.InfiniteTimeSpan && (duration < BlobLimits.MinLeaseDuration || duration > BlobLimits.MaxLeaseDuration || duration.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A lease lasts 15 to 60 whole seconds, or is infinite.");
        }
    }

    public static void ValidateBreakPeriod(TimeSpan? breakPeriod)
    {
        if (breakPeriod is { } p && (p < TimeSpan.Zero || p > BlobLimits.MaxBreakPeriod || p.Ticks % TimeSpan.TicksPerSecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(breakPeriod), breakPeriod, "A break period is 0 to 60 whole seconds.");
        }
    }

    public static void ValidateLeaseId(string? leaseId, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(leaseId) || !Guid.TryParse(leaseId, out _))
        {
            throw new ArgumentException("A lease id is a GUID string.", parameterName);
        }
    }

    public static void ValidateAppendBlock(ReadOnlyMemory<byte> data)
    {
        if (data.IsEmpty)
        {
            throw new BlobStorageException(HttpStatusCode.BadRequest, BlobErrorCodes.InvalidHeaderValue, "An append block must hold at least one byte.");
        }

        if (data.Length > BlobLimits.MaxAppendBlockBytes)
        {
            throw new BlobStorageException(HttpStatusCode.RequestEntityTooLarge, BlobErrorCodes.RequestEntityTooLarge,
                $"An append block of {data.Length} bytes exceeds the {BlobLimits.MaxAppendBlockBytes} byte limit.");
        }
    }

    public static void ValidatePageSize(int pageSize)
    {
        if (pageSize is < 1 or > BlobLimits.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"A page holds 1 to {BlobLimits.MaxPageSize} blobs.");
        }
    }

    public static void ValidateRange(BlobRange? range)
    {
        if (range is { } r && (r.Offset < 0 || r.Length is <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(range), range, "A range starts at offset 0 or later and has a positive length.");
        }
    }

    public static void ValidatePutOptions(BlobType type, PutBlobOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (type == BlobType.Append && options.AccessTier is not null)
        {
            throw new BlobStorageException(HttpStatusCode.BadRequest, BlobErrorCodes.AccessTierNotSupportedForBlobType, "Append blobs have no access tier; only block blobs can be tiered.");
        }

        if (options.ContentType is { } contentType && (contentType.Length > MaxContentTypeLength || !contentType.All(static c => c is >= ' ' and <= '~')))
        {
            throw new BlobStorageException(HttpStatusCode.BadRequest, BlobErrorCodes.InvalidHeaderValue, $"A content type is printable ASCII of at most {MaxContentTypeLength} characters.");
        }

        if (options.Conditions?.IfNoneMatch is { } none && options.Conditions.IfMatch is not null)
        {
            throw new ArgumentException("Give If-Match or If-None-Match, not both.", nameof(options));
        }

        ValidateMetadata(options.Metadata);
    }
}
