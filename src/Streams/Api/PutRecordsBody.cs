using Platform.Streams.Service;

namespace Platform.Streams.Api;

/// <summary>A PutRecords request as <c>KinesisApi.ReadPutRecords</c> found it: records as slices of the body.</summary>
internal sealed class PutRecordsBody
{
    private PutRecordSlice[] _records = new PutRecordSlice[16];

    public string? StreamName { get; set; }

    public string? StreamARN { get; set; }

    /// <summary>False when <c>Records</c> was absent or null.</summary>
    public bool HasRecords { get; set; }

    /// <summary>How many records the request holds (only the first 500 are kept).</summary>
    public int Count { get; set; }

    /// <summary>The index of the first record without data, or -1.</summary>
    public int FirstMissingData { get; set; } = -1;

    /// <summary>The first <c>min(Count, 500)</c> records.</summary>
    public PutRecordSlice[] Records => _records;

    public void Add(PutRecordSlice record)
    {
        if (Kept == _records.Length)
        {
            Array.Resize(ref _records, _records.Length * 2);
        }

        _records[Kept++] = record;
    }

    /// <summary>Forgets the records kept (a repeated <c>Records</c> member replaces the earlier one).</summary>
    public void Clear() => Kept = 0;

    /// <summary>Records stored so far.</summary>
    public int Kept { get; private set; }
}
