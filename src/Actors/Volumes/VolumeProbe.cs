using System.Security.Cryptography;

namespace LibraryCluster.Actors.Volumes;

/// <summary>Why a probe failed.</summary>
public enum ProbeProblem
{
    None,

    /// <summary>The volume's path is gone (unmounted, deleted).</summary>
    Missing,

    /// <summary>Writing was refused: the file system is read-only or full.</summary>
    NotWritable,

    /// <summary>Reading back gave other bytes than were written.</summary>
    Corrupt,

    /// <summary>Any other I/O error.</summary>
    IoError,
}

/// <summary>One health probe of a volume, with its capacity when it could be read.</summary>
public sealed record ProbeResult(ProbeProblem Problem, string? Detail, long? TotalBytes, long? FreeBytes)
{
    public bool Healthy => Problem == ProbeProblem.None;
}

/// <summary>
/// Checks that a disk really works: writes a small canary file, flushes it to the device, reads it
/// back, compares and deletes it. Capacity and free space come from the file system holding the path.
/// </summary>
public static class VolumeProbe
{
    public const string CanaryName = ".librarycluster-canary";

    /// <summary>The size and free space of the file system holding <paramref name="path"/>, when it can be read.</summary>
    public static (long? Total, long? Free) Capacity(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, null);
        }
    }

    public static async Task<ProbeResult> RunAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(path))
        {
            return new ProbeResult(ProbeProblem.Missing, $"{path} does not exist", null, null);
        }

        // Capacity is best effort; the probe below decides health.
        var (total, free) = Capacity(path);
        var canary = Path.Join(path, CanaryName);
        var written = RandomNumberGenerator.GetBytes(4096);
        try
        {
            await using (var stream = new FileStream(canary, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(written, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            var read = await File.ReadAllBytesAsync(canary, cancellationToken).ConfigureAwait(false);
            File.Delete(canary);
            return read.AsSpan().SequenceEqual(written)
                ? new ProbeResult(ProbeProblem.None, null, total, free)
                : new ProbeResult(ProbeProblem.Corrupt, $"{canary} read back {read.Length} bytes that differ from the {written.Length} written", total, free);
        }
        catch (UnauthorizedAccessException e)
        {
            return new ProbeResult(ProbeProblem.NotWritable, e.Message, total, free);
        }
        catch (IOException e) when (e.HResult is 30 or 28 or unchecked((int)0x8007001E))
        {
            // EROFS (30) and ENOSPC (28): the disk works but takes no writes.
            return new ProbeResult(ProbeProblem.NotWritable, e.Message, total, free);
        }
        catch (IOException e)
        {
            return new ProbeResult(Directory.Exists(path) ? ProbeProblem.IoError : ProbeProblem.Missing, e.Message, total, free);
        }
    }
}
