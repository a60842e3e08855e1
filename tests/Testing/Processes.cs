namespace LibraryCluster.Testing;

/// <summary>Questions about other processes, answered from /proc.</summary>
public static class Processes
{
    /// <summary>Whether a process with this id runs (a zombie waiting to be reaped does not count).</summary>
    public static bool IsRunning(int processId)
    {
        try
        {
            return !File.ReadAllText($"/proc/{processId}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false;
        }
    }
}
