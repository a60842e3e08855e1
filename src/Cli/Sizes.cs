using System.Globalization;

namespace LibraryCluster.Cli;

/// <summary>Sizes as operators write them: 8TB, 500GB, 2TiB, 1.5T, or plain bytes. Decimal units are powers of 1000, binary ones of 1024.</summary>
internal static class Sizes
{
    private static readonly (string Suffix, double Factor)[] Units =
    [
        ("TIB", 1L << 40), ("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10),
        ("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3),
        ("T", 1e12), ("G", 1e9), ("M", 1e6), ("K", 1e3), ("B", 1),
    ];

    public static long Parse(string text, string option)
    {
        var trimmed = text.Trim().ToUpperInvariant();
        var (suffix, factor) = Units.FirstOrDefault(u => trimmed.EndsWith(u.Suffix, StringComparison.Ordinal));
        var number = suffix is null ? trimmed : trimmed[..^suffix.Length].Trim();
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || value * (suffix is null ? 1 : factor) >= long.MaxValue)
        {
            throw new ArgumentException($"{option} {text}: give a size above 0 such as 8TB, 500GB, 2TiB or a number of bytes");
        }

        return (long)Math.Round(value * (suffix is null ? 1 : factor));
    }
}
