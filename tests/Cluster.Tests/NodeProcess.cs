using System.Diagnostics;
using System.Globalization;

namespace LibraryCluster.Cluster.Tests;

/// <summary>
/// One mirror node as its own OS process (<c>dotnet LibraryCluster.Host.dll …</c>), its stdout and stderr appended
/// to <c>node.log</c> in its folder. It can be killed with SIGKILL and started again over the same data directory.
/// </summary>
public sealed class NodeProcess : IDisposable
{
    private readonly string _hostDll;
    private readonly IReadOnlyList<string> _arguments;
    private readonly Lock _logLock = new();
    private Process? _process;
    private StreamWriter? _log;

    public NodeProcess(string id, string zone, int port, string directory, string hostDll, IReadOnlyList<string> arguments)
    {
        Id = id;
        Zone = zone;
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        Directory = directory;
        _hostDll = hostDll;
        _arguments = arguments;
    }

    public string Id { get; }

    public string Zone { get; }

    public Uri Endpoint { get; }

    /// <summary>The node's data directory: catalogue, torrents, watch folder, volumes and the log.</summary>
    public string Directory { get; }

    public string LogPath => Path.Join(Directory, "node.log");

    public bool IsRunning => _process is { HasExited: false };

    public int? ProcessId => _process?.Id;

    public string VolumePath(string volume) => Path.Join(Directory, "volumes", volume);

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Id} is already running (pid {_process!.Id})");
        }

        _process?.Dispose();
        _log ??= new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        WriteLog($"---- {Id} starting at {Now()}: dotnet {_hostDll} {string.Join(' ', _arguments)}");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        start.ArgumentList.Add(_hostDll);
        foreach (var argument in _arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => WriteLog(e.Data);
        process.ErrorDataReceived += (_, e) => WriteLog(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {Id}");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>kill -9: the process gets no chance to stop cleanly.</summary>
    public void Kill()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        WriteLog($"---- {Id} killed (SIGKILL) at {Now()}");
    }

    /// <summary>The last <paramref name="lines"/> lines of the node's log.</summary>
    public string Tail(int lines)
    {
        if (!File.Exists(LogPath))
        {
            return "(no log)";
        }

        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines + 1)).TrimEnd();
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // It had already gone.
        }

        _process?.Dispose();
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private void WriteLog(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_logLock)
        {
            _log?.WriteLine(line);
        }
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);
}
