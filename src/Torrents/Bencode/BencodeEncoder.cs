using System.Buffers;
using System.Globalization;

namespace LibraryCluster.Torrents.Bencode;

/// <summary>Writes values in canonical bencode (dictionary keys in raw byte order).</summary>
public static class BencodeEncoder
{
    public static byte[] Encode(BValue value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Encode(value, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public static void Encode(BValue value, IBufferWriter<byte> output)
    {
        switch (value)
        {
            case BInteger integer:
                WriteAscii(output, $"i{integer.Value.ToString(CultureInfo.InvariantCulture)}e");
                break;
            case BString text:
                WriteString(output, text.Bytes.Span);
                break;
            case BList list:
                WriteAscii(output, "l");
                foreach (var item in list.Items)
                {
                    Encode(item, output);
                }

                WriteAscii(output, "e");
                break;
            case BDictionary dictionary:
                WriteAscii(output, "d");
                foreach (var (key, item) in dictionary.Entries)
                {
                    WriteString(output, key);
                    Encode(item, output);
                }

                WriteAscii(output, "e");
                break;
            default:
                throw new ArgumentException($"unknown bencode value type {value.GetType().Name}", nameof(value));
        }
    }

    private static void WriteString(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        WriteAscii(output, bytes.Length.ToString(CultureInfo.InvariantCulture) + ":");
        output.Write(bytes);
    }

    private static void WriteAscii(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        output.Advance(text.Length);
    }
}
