namespace Platform.Video.Ingest.Rtmp;

/// <summary>
/// An AMF0 object or ECMA array: named properties in wire order (order matters to some clients, so no dictionary).
/// Values are <see cref="double"/>, <see cref="bool"/>, <see cref="string"/>, <see cref="AmfObject"/>,
/// <see cref="List{T}"/> of values (strict array), <see cref="DateTimeOffset"/> (date), <see cref="AmfUndefined"/> or null.
/// </summary>
internal sealed class AmfObject
{
    public AmfObject(bool isEcmaArray = false) => IsEcmaArray = isEcmaArray;

    public bool IsEcmaArray { get; }

    public List<KeyValuePair<string, object?>> Properties { get; } = [];

    public int Count => Properties.Count;

    public object? this[string name]
    {
        get
        {
            foreach (var (key, value) in Properties)
            {
                if (key == name)
                {
                    return value;
                }
            }

            return null;
        }
    }

    public AmfObject Add(string name, object? value)
    {
        Properties.Add(new(name, value));
        return this;
    }

    public string? GetString(string name) => this[name] as string;
}

/// <summary>The AMF0 undefined marker (distinct from null, which is <c>null</c>).</summary>
internal sealed class AmfUndefined
{
    public static readonly AmfUndefined Instance = new();

    private AmfUndefined()
    {
    }
}
