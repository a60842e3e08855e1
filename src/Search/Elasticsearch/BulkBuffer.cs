using System.Buffers;

namespace LibraryCluster.Search.Elasticsearch;

/// <summary>
/// One _bulk request being built: NDJSON in a pooled, growing buffer, and where each item (action line plus
/// its document line, if any) starts, so that failed items can be sent again on their own.
/// </summary>
internal sealed class BulkBuffer : IBufferWriter<byte>, IDisposable
{
    private byte[] _bytes;
    private int _length;
    private readonly List<int> _starts = [];
    private readonly List<DocumentId> _ids = [];

    public BulkBuffer(int capacity) => _bytes = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 4096));

    public int Length => _length;

    public int Count => _starts.Count;

    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, _length);

    public DocumentId Id(int item) => _ids[item];

    /// <summary>The bytes of one item (its lines, each ending in a newline).</summary>
    public ReadOnlySpan<byte> Item(int item) => _bytes.AsSpan(_starts[item], (item + 1 < _starts.Count ? _starts[item + 1] : _length) - _starts[item]);

    /// <summary>Starts an item: what is written from here until the next call belongs to it.</summary>
    public void BeginItem(DocumentId id)
    {
        _starts.Add(_length);
        _ids.Add(id);
    }

    /// <summary>Takes the last item out of this buffer (it made the request too large) and returns its bytes to put in the next one.</summary>
    public void MoveLastTo(BulkBuffer next)
    {
        var last = _starts.Count - 1;
        next.BeginItem(_ids[last]);
        next.Write(Item(last));
        _length = _starts[last];
        _starts.RemoveAt(last);
        _ids.RemoveAt(last);
    }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    public void Advance(int count) => _length += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsSpan(_length);
    }

    public void Clear()
    {
        _length = 0;
        _starts.Clear();
        _ids.Clear();
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }

    private void Ensure(int sizeHint)
    {
        var need = _length + Math.Max(sizeHint, 256);
        if (need <= _bytes.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(need, _bytes.Length * 2));
        _bytes.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = bigger;
    }
}
