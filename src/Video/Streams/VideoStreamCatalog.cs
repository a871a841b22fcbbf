using System.Buffers.Text;
using System.Text;
using Platform.Storage;
using Platform.Storage.Documents;
using Platform.Video.Hosting;

namespace Platform.Video.Streams;

/// <summary>
/// The video stream resources (Kinesis Video Streams' control plane): one JSON document per stream in
/// <see cref="Container"/>, changed by ETag compare-and-swap so every host sharing the storage account agrees.
/// </summary>
/// <remarks>Operations fail with <see cref="VideoStreamException"/> carrying the Kinesis Video Streams error type;
/// storage failures surface as <see cref="BlobStorageException"/>.</remarks>
public sealed partial class VideoStreamCatalog
{
    /// <summary>The container of every video blob: stream documents and fragment data.</summary>
    public const string Container = "platform-video";

    private const int MaxTextLength = 128;
    private readonly IBlobStore _store;
    private readonly VideoOptions _options;
    private readonly TimeProvider _time;

    public VideoStreamCatalog(IBlobStore store, VideoOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
        _documents = new JsonBlobDocuments<VideoStreamDocument>(store, Container, DocumentPrefix, VideoStreamJson.Default.VideoStreamDocument, time, CacheTtl);
    }

    public VideoOptions Options => _options;

    /// <summary>Creates the container (idempotent).</summary>
    public Task InitializeAsync(CancellationToken cancellationToken) => _store.CreateContainerIfNotExistsAsync(Container, cancellationToken);

    /// <summary><c>CreateStream</c>: returns the new stream's ARN.</summary>
    /// <exception cref="VideoStreamException"><c>ResourceInUseException</c> when the name is taken (or still being deleted),
    /// <c>InvalidArgumentException</c> for bad settings, <c>ClientLimitExceededException</c> past <c>MaxStreams</c>.</exception>
    public async Task<string> CreateAsync(CreateVideoStreamRequest request, CancellationToken cancellationToken)
    {
        VideoStreamNames.Validate(request.StreamName);
        var retention = request.DataRetentionInHours ?? _options.DefaultRetentionHours;
        if (retention is < 0 or > VideoStreamLimits.MaxRetentionHours)
        {
            throw VideoStreamErrors.Invalid($"DataRetentionInHours must be 0 to {VideoStreamLimits.MaxRetentionHours}, not {retention}.");
        }

        var warmAfter = request.WarmAfter ?? _options.DefaultWarmAfter;
        if (warmAfter < TimeSpan.FromSeconds(1))
        {
            throw VideoStreamErrors.Invalid($"WarmAfter must be at least one second, not {warmAfter}.");
        }

        CheckText(request.MediaType, "MediaType");
        CheckText(request.DeviceName, "DeviceName");
        if (request.PublishKey is { } key && (key.Length is 0 or > 256 || key.Any(char.IsControl)))
        {
            throw VideoStreamErrors.Invalid("PublishKey must be 1 to 256 printable characters.");
        }

        if (await CountAsync(cancellationToken) >= _options.MaxStreams)
        {
            throw VideoStreamErrors.Limit($"This platform holds at most {_options.MaxStreams} video streams (Platform:Video:MaxStreams).");
        }

        var now = _time.GetUtcNow();

        // ARNs carry the creation time in milliseconds; trimming it here makes the document agree with its ARN.
        now = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        var document = new VideoStreamDocument
        {
            Name = request.StreamName,
            Incarnation = Guid.NewGuid().ToString("N")[..16],
            Status = VideoStreamStatus.Active,
            CreatedAt = now,
            StatusSince = now,
            Version = NewVersion(),
            RetentionHours = retention,
            WarmAfter = warmAfter,
            MediaType = request.MediaType,
            DeviceName = request.DeviceName,
            PublishKey = request.PublishKey,
            Tags = request.Tags ?? new Dictionary<string, string>(),
        };

        if (!await TryInsertAsync(document, cancellationToken))
        {
            var existing = await GetDocumentAsync(request.StreamName, fresh: true, cancellationToken);
            throw VideoStreamErrors.InUse(existing?.Status == VideoStreamStatus.Deleting
                ? $"The stream {request.StreamName} is being deleted; create it again once it is gone."
                : $"The stream {request.StreamName} already exists.");
        }

        return ArnOf(document);
    }

    /// <summary><c>DescribeStream</c> by name or ARN (either; both must agree).</summary>
    /// <exception cref="VideoStreamException"><c>ResourceNotFoundException</c> or <c>InvalidArgumentException</c>.</exception>
    public async Task<VideoStreamInfo> DescribeAsync(string? streamName, string? streamArn, CancellationToken cancellationToken) =>
        InfoOf(await ResolveAsync(streamName, streamArn, cancellationToken));

    /// <summary><c>ListStreams</c>: a page of at most <paramref name="maxResults"/> streams in name order, optionally those whose name begins with <paramref name="nameBeginsWith"/>.</summary>
    /// <exception cref="VideoStreamException"><c>InvalidArgumentException</c> for a bad page size or token.</exception>
    public async Task<VideoStreamPage> ListAsync(int maxResults, string? nextToken, string? nameBeginsWith, CancellationToken cancellationToken)
    {
        if (maxResults is < 1 or > VideoStreamLimits.MaxListResults)
        {
            throw VideoStreamErrors.Invalid($"MaxResults must be 1 to {VideoStreamLimits.MaxListResults}, not {maxResults}.");
        }

        if (nameBeginsWith is not null && (nameBeginsWith.Length == 0 || !VideoStreamNames.IsValid(nameBeginsWith)))
        {
            throw VideoStreamErrors.Invalid($"ComparisonValue '{nameBeginsWith}' must be 1 to {VideoStreamLimits.MaxNameLength} characters of [a-zA-Z0-9_.-].");
        }

        var page = await _store.ListBlobsAsync(Container, DocumentPrefix + nameBeginsWith, DecodeToken(nextToken), Math.Min(maxResults, BlobLimits.MaxPageSize), cancellationToken);
        var streams = new List<VideoStreamInfo>(page.Items.Count);
        foreach (var item in page.Items)
        {
            if (await GetDocumentAsync(item.Name[DocumentPrefix.Length..], fresh: false, cancellationToken) is { } document)
            {
                streams.Add(InfoOf(document));
            }
        }

        return new VideoStreamPage(streams, page.ContinuationToken is { } token ? EncodeToken(token) : null);
    }

    /// <summary>
    /// <c>DeleteStream</c>: marks the stream <c>DELETING</c>; maintenance then deletes its footage and its document. A
    /// publisher still live on it is cut off at its next write.
    /// </summary>
    /// <exception cref="VideoStreamException"><c>ResourceNotFoundException</c>, or <c>VersionMismatchException</c> when
    /// <paramref name="currentVersion"/> is given and differs.</exception>
    public async Task DeleteAsync(string? streamName, string? streamArn, string? currentVersion, CancellationToken cancellationToken)
    {
        var document = await ResolveAsync(streamName, streamArn, cancellationToken);
        var updated = await UpdateAsync(document.Name, current =>
        {
            if (current.Incarnation != document.Incarnation)
            {
                throw VideoStreamErrors.NotFound(document.Name);
            }

            if (currentVersion is not null && currentVersion != current.Version)
            {
                throw VideoStreamErrors.Mismatch(current.Name, currentVersion, current.Version);
            }

            return current.Status == VideoStreamStatus.Deleting ? null : current with
            {
                Status = VideoStreamStatus.Deleting,
                StatusSince = _time.GetUtcNow(),
                Version = NewVersion(),
            };
        }, cancellationToken);
        if (updated is null)
        {
            throw VideoStreamErrors.NotFound(document.Name);
        }
    }

    /// <summary><c>UpdateDataRetention</c>: changes the retention by <paramref name="changeInHours"/> up or down.</summary>
    /// <exception cref="VideoStreamException"><c>ResourceNotFoundException</c>, <c>ResourceInUseException</c> (being
    /// deleted), <c>VersionMismatchException</c>, or <c>InvalidArgumentException</c> (the result leaves 0 to 87,600 hours).</exception>
    public async Task<VideoStreamInfo> UpdateDataRetentionAsync(string? streamName, string? streamArn, string currentVersion, DataRetentionOperation operation, int changeInHours, CancellationToken cancellationToken)
    {
        if (changeInHours < 1)
        {
            throw VideoStreamErrors.Invalid($"DataRetentionChangeInHours must be at least 1, not {changeInHours}.");
        }

        if (string.IsNullOrEmpty(currentVersion))
        {
            throw VideoStreamErrors.Invalid("CurrentVersion is required.");
        }

        var document = await ResolveAsync(streamName, streamArn, cancellationToken);
        var updated = await UpdateAsync(document.Name, current =>
        {
            if (current.Status != VideoStreamStatus.Active)
            {
                throw VideoStreamErrors.InUse($"The stream {current.Name} is {current.Status}.");
            }

            if (currentVersion != current.Version)
            {
                throw VideoStreamErrors.Mismatch(current.Name, currentVersion, current.Version);
            }

            var retention = (long)current.RetentionHours + (operation == DataRetentionOperation.Increase ? changeInHours : -changeInHours);
            if (retention is < 0 or > VideoStreamLimits.MaxRetentionHours)
            {
                throw VideoStreamErrors.Invalid(
                    $"The stream {current.Name} keeps {current.RetentionHours} hours; {operation.ToString().ToUpperInvariant()} by {changeInHours} leaves 0 to {VideoStreamLimits.MaxRetentionHours}.");
            }

            return current with { RetentionHours = (int)retention, Version = NewVersion() };
        }, cancellationToken);
        return InfoOf(updated ?? throw VideoStreamErrors.NotFound(document.Name));
    }

    /// <summary>The stream a request names, by StreamName or StreamARN.</summary>
    /// <exception cref="VideoStreamException"><c>ResourceNotFoundException</c> or <c>InvalidArgumentException</c>.</exception>
    public async Task<VideoStreamDocument> ResolveAsync(string? streamName, string? streamArn, CancellationToken cancellationToken)
    {
        long? creationMillis = null;
        var name = streamName;
        if (streamArn is not null)
        {
            if (!VideoStreamNames.TryParseArn(_options.Region, _options.AccountId, streamArn, out var fromArn, out var millis))
            {
                throw VideoStreamErrors.Invalid($"StreamARN {streamArn} is not a video stream ARN of region {_options.Region} and account {_options.AccountId}.");
            }

            if (streamName is not null && streamName != fromArn)
            {
                throw VideoStreamErrors.Invalid($"StreamName {streamName} and StreamARN {streamArn} name different streams.");
            }

            (name, creationMillis) = (fromArn, millis);
        }

        if (name is null)
        {
            throw VideoStreamErrors.Invalid("Either StreamName or StreamARN must be given.");
        }

        VideoStreamNames.Validate(name);
        var document = await GetDocumentAsync(name, fresh: false, cancellationToken);
        if (document is null || (creationMillis is { } m && m != document.CreatedAt.ToUnixTimeMilliseconds()))
        {
            throw VideoStreamErrors.NotFound(streamArn ?? name);
        }

        return document;
    }

    public string ArnOf(VideoStreamDocument document) => VideoStreamNames.Arn(_options.Region, _options.AccountId, document.Name, document.CreatedAt);

    public VideoStreamInfo InfoOf(VideoStreamDocument d) => new(
        d.Name, ArnOf(d), d.Status, d.CreatedAt, d.RetentionHours, d.Version, d.MediaType, d.DeviceName, d.WarmAfter, d.PublishKey is not null, d.IsLive(_time.GetUtcNow()));

    private async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await _store.ListBlobsAsync(Container, DocumentPrefix, token, BlobLimits.MaxPageSize, cancellationToken);
            count += page.Items.Count;
            token = page.ContinuationToken;
        }
        while (token is not null && count < _options.MaxStreams);
        return count;
    }

    private static void CheckText(string? value, string member)
    {
        if (value is not null && (value.Length is 0 or > MaxTextLength || value.Any(char.IsControl)))
        {
            throw VideoStreamErrors.Invalid($"{member} must be 1 to {MaxTextLength} printable characters.");
        }
    }

    private static string NewVersion() => Guid.NewGuid().ToString("N")[..12];

    // Storage continuation tokens are opaque and may hold any character; the wire token is their base64url form.
    private static string EncodeToken(string token) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(token));

    private static string? DecodeToken(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            return token.Length <= 4096 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw VideoStreamErrors.Invalid("NextToken is not a token this service issued.");
        }
    }
}
