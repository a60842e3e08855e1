using System.Security.Cryptography;

namespace LibraryCluster.Torrents.Metainfo;

/// <summary>A v1 info-hash: the SHA-1 of the raw bencoded info dictionary. Printed as 40 lowercase hex digits.</summary>
public readonly record struct InfoHash
{
    public const int Size = 20;

    private readonly ReadOnlyMemory<byte> _bytes;

    private InfoHash(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Bytes => _bytes.Span;

    public static InfoHash Compute(ReadOnlySpan<byte> rawInfoDictionary) => new(SHA1.HashData(rawInfoDictionary));

    /// <summary>An info-hash from its 20 raw bytes (as trackers send them).</summary>
    public static InfoHash FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Size ? new(bytes.ToArray()) : throw new ArgumentException($"an info-hash has {Size} bytes, not {bytes.Length}", nameof(bytes));

    /// <summary>Reads 40 hex digits (either case), as daemons and trackers print a hash; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out InfoHash hash)
    {
        hash = default;
        if (hex.Length != 2 * Size)
        {
            return false;
        }

        var bytes = new byte[Size];
        if (Convert.FromHexString(hex, bytes, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        hash = new InfoHash(bytes);
        return true;
    }

    /// <summary>Like <see cref="TryParse"/>, but a bad hash raises a <see cref="FormatException"/> that quotes it.</summary>
    public static InfoHash Parse(string hex) =>
        TryParse(hex, out var hash) ? hash : throw new FormatException($"\"{hex}\" is not an info-hash (40 hex digits)");

    public bool Equals(InfoHash other) => Bytes.SequenceEqual(other.Bytes);

    public override int GetHashCode() => _bytes.IsEmpty ? 0 : BitConverter.ToInt32(Bytes);

    public override string ToString() => Convert.ToHexStringLower(Bytes);
}
