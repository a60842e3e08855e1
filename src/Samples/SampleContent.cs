using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using LibraryCluster.Torrents.Bencode;

namespace LibraryCluster.Samples;

/// <summary>The digests LibGen's <c>hashes</c> tables carry for a file, computed in the one pass that writes it.</summary>
internal sealed record ContentDigest(string Md5, byte[] Sha1, byte[] Sha256, uint Crc32, byte[] PieceHashes, long Length)
{
    /// <summary>True when no content exists (a dumps-only sample): only <see cref="Md5"/> and <see cref="Length"/> mean anything.</summary>
    public bool IsStandIn { get; init; }

    /// <summary>libgen's per-book torrent: a single-file info dict named by the lowercase MD5, 16 MiB pieces.</summary>
    public byte[] SingleFileTorrent()
    {
        var info = new BDictionary
        {
            ["length"] = new BInteger(Length),
            ["name"] = new BString(Md5),
            ["piece length"] = new BInteger(SampleContent.HashesPieceLength),
            ["pieces"] = new BString(PieceHashes),
        };
        return BencodeEncoder.Encode(new BDictionary { ["info"] = info });
    }
}

/// <summary>File content for samples: a format signature, then seeded random bytes.</summary>
internal static class SampleContent
{
    public const int HashesPieceLength = 16 * 1024 * 1024;

    private const int ChunkSize = 1 << 20;

    /// <summary>Writes <paramref name="length"/> bytes to <paramref name="destination"/> (or nowhere) and digests them.</summary>
    public static ContentDigest Write(Stream? destination, SampleRandom random, long length, string extension)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var piece = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var crc = new Crc32();
        var pieces = new MemoryStream();
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var signature = Signature(extension);
            long written = 0, inPiece = 0;
            while (written < length)
            {
                var size = (int)Math.Min(ChunkSize, length - written);
                var chunk = buffer.AsSpan(0, size);
                random.Fill(chunk);
                if (written == 0)
                {
                    signature.AsSpan(0, Math.Min(signature.Length, size)).CopyTo(chunk);
                }

                destination?.Write(chunk);
                md5.AppendData(chunk);
                sha1.AppendData(chunk);
                sha256.AppendData(chunk);
                crc.Append(chunk);
                while (!chunk.IsEmpty)
                {
                    var take = (int)Math.Min(chunk.Length, HashesPieceLength - inPiece);
                    piece.AppendData(chunk[..take]);
                    chunk = chunk[take..];
                    inPiece += take;
                    if (inPiece == HashesPieceLength)
                    {
                        pieces.Write(piece.GetHashAndReset());
                        inPiece = 0;
                    }
                }

                written += size;
            }

            if (inPiece > 0)
            {
                pieces.Write(piece.GetHashAndReset());
            }

            return new ContentDigest(
                Convert.ToHexStringLower(md5.GetHashAndReset()), sha1.GetHashAndReset(), sha256.GetHashAndReset(), crc.Value, pieces.ToArray(), length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Signature(string extension) => Encoding.ASCII.GetBytes(extension switch
    {
        "pdf" => "%PDF-1.5\n",
        "djvu" => "AT&TFORM",
        "epub" or "zip" or "docx" => "PK\u0003\u0004",
        "fb2" => "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "mobi" or "azw3" => "BOOKMOBI",
        "chm" => "ITSF",
        "rtf" => "{\\rtf1",
        _ => string.Empty,
    });
}
