using System.Runtime.InteropServices;

namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>SIGTERM, which .NET's Process cannot send (Kill is SIGKILL): a daemon gets the chance to save its state.</summary>
internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

    /// <summary>True when the signal was sent.</summary>
    public static bool Terminate(int processId)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return false;
        }

        return Kill(processId, SigTerm) == 0;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
