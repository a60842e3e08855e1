namespace LibraryCluster.Samples;

/// <summary>
/// xoshiro256** seeded through SplitMix64: our own generator, so that a sample is byte-identical
/// for a seed on every runtime, and fast enough to fill gigabytes of file content.
/// </summary>
internal sealed class SampleRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SampleRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>An independent stream for one purpose (a record, a file), so that changing one never shifts another.</summary>
    public static SampleRandom For(long seed, string purpose, long index) =>
        new((ulong)seed ^ (ulong)StableHash(purpose) ^ ((ulong)index * 0x9E3779B97F4A7C15UL));

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>0 ≤ result &lt; max.</summary>
    public int Next(int max) => (int)(NextUInt64() % (ulong)max);

    /// <summary>min ≤ result ≤ max.</summary>
    public int Between(int min, int max) => min + Next(max - min + 1);

    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A standard normal deviate (Box–Muller).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public void Fill(Span<byte> destination)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(destination);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = NextUInt64();
        }

        for (var i = words.Length * sizeof(ulong); i < destination.Length; i++)
        {
            destination[i] = (byte)NextUInt64();
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>FNV-1a: string.GetHashCode is randomised per process, this is not.</summary>
    private static long StableHash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)hash;
    }
}
