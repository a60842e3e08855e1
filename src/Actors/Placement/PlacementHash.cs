using System.Numerics;
using System.Runtime.CompilerServices;

namespace LibraryCluster.Actors.Placement;

/// <summary>
/// Stable hashing and arithmetic for rendezvous placement. Every node must compute the same placement
/// from the same map, so nothing here depends on the runtime, the process or the platform: names are
/// hashed with 64-bit FNV-1a (never <see cref="string.GetHashCode()"/>), and logarithms are
/// computed with IEEE additions, multiplications and divisions only (correctly rounded everywhere),
/// not with <see cref="Math.Log(double)"/>, whose last bit may differ between C libraries.
/// </summary>
internal static class PlacementHash
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;
    private const double Ln2 = 0.6931471805599453;
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>64-bit FNV-1a over the name's UTF-16 code units (low byte, then high byte), then mixed.</summary>
    public static ulong Of(string name)
    {
        var hash = FnvOffset;
        foreach (var c in name)
        {
            hash = (hash ^ (byte)c) * FnvPrime;
            hash = (hash ^ (byte)(c >> 8)) * FnvPrime;
        }

        return Mix(hash);
    }

    /// <summary>The rendezvous hash of a (torrent, volume) pair.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pair(ulong torrent, ulong volume) => Mix(torrent ^ (volume * 0x9E3779B97F4A7C15UL));

    /// <summary>
    /// The uniform draw of a pair: 53 random bits as an odd multiple of 2^-54, so it lies strictly
    /// inside (0, 1) and its logarithm is finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Draw(ulong pairHash) => ((pairHash >> 11) << 1) | 1;

    /// <summary>
    /// A cheap lower bound of <see cref="Key"/>: −ln(u) ≥ 1 − u, so a pair whose bound already loses
    /// to the current candidates needs no logarithm.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double KeyLowerBound(ulong draw, double inverseWeight) => (1.0 - (draw * (1.0 / (1UL << 54)))) * inverseWeight;

    /// <summary>
    /// The weighted rendezvous key of a pair: −ln(u) / weight with u = draw / 2^54. The volume with
    /// the smallest key wins; a volume of weight w wins with probability w / Σw (the minimum of
    /// independent exponential variables).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Key(ulong draw, double inverseWeight) => ((54 * Ln2) - Ln(draw)) * inverseWeight;

    /// <summary>Natural logarithm of a positive integer, to about 1e-15 relative, with basic IEEE operations only.</summary>
    public static double Ln(ulong x)
    {
        // x = m × 2^e with m in [1, 2), then m in [√½, √2) so the series below converges fast.
        var e = 63 - BitOperations.LeadingZeroCount(x);
        var m = e <= 52 ? (double)(x << (52 - e)) : (double)(x >> (e - 52));
        m *= 1.0 / (1UL << 52);
        return (e * Ln2) + LnNearOne(m);
    }

    /// <summary>The murmur3 64-bit finaliser (fmix64): every input bit affects every output bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB93FE1A85A53UL;
        x ^= x >> 33;
        return x;
    }

    // ln(m) for m in [1, 2): ln m = 2·atanh(s) with s = (m − 1) / (m + 1), |s| ≤ 0.172 after folding m into [√½, √2).
    private static double LnNearOne(double m)
    {
        var shift = 0.0;
        if (m > Sqrt2)
        {
            m *= 0.5;
            shift = Ln2;
        }

        var s = (m - 1.0) / (m + 1.0);
        var s2 = s * s;
        var series = 1.0 + (s2 * ((1.0 / 3) + (s2 * ((1.0 / 5) + (s2 * ((1.0 / 7) + (s2 * ((1.0 / 9) + (s2 * ((1.0 / 11) + (s2 * ((1.0 / 13) + (s2 * ((1.0 / 15) + (s2 * (1.0 / 17))))))))))))))));
        return shift + (2.0 * s * series);
    }
}
