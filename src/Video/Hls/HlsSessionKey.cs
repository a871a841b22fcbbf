using System.Security.Cryptography;
using Platform.Storage;

namespace Platform.Video.Hls;

/// <summary>
/// The key that signs session tokens, one per storage account: the first host creates it (a conditional put), every
/// host loads it at start-up, so a session URL from any host plays on all of them.
/// </summary>
public sealed class HlsSessionKey
{
    /// <summary>Where the key lives.</summary>
    public static readonly BlobPath Path = new(Streams.VideoStreamCatalog.Container, "keys/hls-session");

    private byte[]? _value;

    /// <exception cref="InvalidOperationException">The key has not been loaded (<see cref="LoadAsync"/> was not called at start-up).</exception>
    public byte[] Value
    {
        get => _value ?? throw new InvalidOperationException("HLS playback is not initialised: the platform module loads the session key at start-up (InitializeStorageAsync).");
        set => _value = value;
    }

    public async Task LoadAsync(IBlobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.CreateContainerIfNotExistsAsync(Path.Container, cancellationToken);
        try
        {
            await store.PutBlockBlobAsync(Path, RandomNumberGenerator.GetBytes(32), new PutBlobOptions { Conditions = BlobConditions.IfAbsent }, cancellationToken);
        }
        catch (BlobStorageException e) when (e.ErrorCode is BlobErrorCodes.BlobAlreadyExists or BlobErrorCodes.ConditionNotMet)
        {
            // Another host made it first; everyone uses that one.
        }

        var key = (await store.ReadAsync(Path, cancellationToken: cancellationToken)).Content.ToArray();
        Value = key.Length >= 32 ? key : throw new InvalidDataException($"The HLS session key {Path} is {key.Length} bytes; delete it to make a new one.");
    }
}
