using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LibraryCluster.Torrents.Engines.QBittorrent;

/// <summary>
/// Runs qbittorrent-nox for the node: writes its config before every start, starts it on its own profile,
/// waits (bounded) until its WebAPI answers, restarts it with back-off whenever it dies, and stops it cleanly
/// (app/shutdown, then SIGTERM, then kill). Its torrents survive restarts in the profile (BT_backup).
/// One start and one stop per instance.
/// </summary>
public sealed partial class QBittorrentDaemon : IAsyncDisposable
{
    private const int OutputLines = 20;

    private readonly QBittorrentDaemonOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Queue<string> _output = new();
    private TaskCompletionSource _answering = NewSignal();
    private Task? _supervisor;
    private Process? _process;
    private int _starts;

    public QBittorrentDaemon(QBittorrentDaemonOptions options, ILogger? logger = null, TimeProvider? time = null)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        Engine = new QBittorrentEngine(new QBittorrentConnection { WebUiUrl = options.WebUiUrl });
    }

    /// <summary>The engine that drives this daemon; calls fail with <see cref="EngineErrorKind.Unavailable"/> while it is down.</summary>
    public QBittorrentEngine Engine { get; }

    public QBittorrentDaemonOptions Options => _options;

    public DaemonState State { get; private set; }

    /// <summary>How many times the process was launched (1 after the first start; more after restarts).</summary>
    public int Starts => Volatile.Read(ref _starts);

    /// <summary>The running process's id; null while it is down.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _process is { HasExited: false } process ? process.Id : null;
            }
        }
    }

    /// <summary>Why the daemon last failed to start or died; empty if it never did.</summary>
    public string LastProblem { get; private set; } = string.Empty;

    /// <summary>Starts supervising and returns once the WebAPI answers; throws <see cref="TorrentEngineException"/> if it does not within the start timeout (supervision goes on, retrying).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        Start();
        await WaitUntilAnsweringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts supervising in the background without waiting for the daemon.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
            _supervisor ??= Task.Run(SuperviseAsync);
        }
    }

    /// <summary>Waits (at most the start timeout) until the daemon's WebAPI answers.</summary>
    public async Task WaitUntilAnsweringAsync(CancellationToken cancellationToken = default)
    {
        Task answering;
        lock (_lock)
        {
            answering = _answering.Task;
        }

        try
        {
            await answering.WaitAsync(_options.StartTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TorrentEngineException(EngineErrorKind.Unavailable,
                $"qbittorrent-nox did not answer at {_options.WebUiUrl} within {_options.StartTimeout.TotalSeconds:0} s: {(LastProblem.Length > 0 ? LastProblem : "no error seen")}; its log is {_options.LogPath}");
        }
    }

    /// <summary>Stops supervising and stops the daemon: app/shutdown, then SIGTERM, then kill, each after the stop timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        Task? supervisor;
        lock (_lock)
        {
            supervisor = _supervisor;
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            _stopping.Cancel();
        }

        State = DaemonState.Stopping;
        if (supervisor is not null)
        {
            await supervisor.ConfigureAwait(false);
        }

        Process? process;
        lock (_lock)
        {
            process = _process;
            _process = null;
        }

        try
        {
            if (process is not null)
            {
                await StopProcessAsync(process, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            process?.Dispose();
            State = DaemonState.Stopped;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        Engine.Dispose();
        _stopping.Dispose();
    }

    private async Task SuperviseAsync()
    {
        var deathsInRow = 0;
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            var began = _time.GetTimestamp();
            try
            {
                await RunOnceAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is TorrentEngineException or IOException or UnauthorizedAccessException or Win32Exception or InvalidOperationException or ArgumentException)
            {
                LastProblem = e.Message;
                LogStartFailed(_logger, e.Message);
            }

            if (stopping.IsCancellationRequested)
            {
                break;
            }

            // A daemon that ran a good while before dying starts the back-off again from the beginning.
            deathsInRow = _time.GetElapsedTime(began) > _options.MaxRestartDelay ? 1 : deathsInRow + 1;
            var delay = TimeSpan.FromTicks(Math.Min(_options.RestartDelay.Ticks * (1L << Math.Min(deathsInRow - 1, 20)), _options.MaxRestartDelay.Ticks));
            State = DaemonState.Restarting;
            LogRestarting(_logger, delay.TotalSeconds, deathsInRow);
            try
            {
                await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One life of the process: launch, wait until it answers, wait until it exits.</summary>
    private async Task RunOnceAsync(CancellationToken stopping)
    {
        State = DaemonState.Starting;
        await StopLeftoverAsync(stopping).ConfigureAwait(false);
        QBittorrentConfig.Write(_options);
        var process = Launch();
        try
        {
            await WaitForApiAsync(process, stopping).ConfigureAwait(false);
            State = DaemonState.Running;
            LogRunning(_logger, process.Id, _options.WebUiUrl, _options.ListenPort);
            lock (_lock)
            {
                _answering.TrySetResult();
            }

            if (await WatchAsync(process, stopping).ConfigureAwait(false) is { } hung)
            {
                LastProblem = $"qbittorrent-nox (pid {process.Id}) {hung}: killed";
                LogHung(_logger, process.Id, hung);
            }
            else
            {
                var tail = OutputTail();
                LastProblem = $"qbittorrent-nox (pid {process.Id}) exited with code {process.ExitCode}{tail}";
                LogDied(_logger, process.Id, process.ExitCode, tail);
            }
        }
        finally
        {
            // A process still running here is being stopped: StopAsync takes it over.
            if (process.HasExited)
            {
                lock (_lock)
                {
                    _process = null;
                    if (_answering.Task.IsCompleted)
                    {
                        _answering = NewSignal();
                    }
                }

                process.Dispose();
            }
        }
    }

    /// <summary>
    /// Waits until the process exits, asking its WebAPI every <see cref="QBittorrentDaemonOptions.HealthCheckInterval"/>
    /// meanwhile. A daemon alive but silent too many times in a row is as useless as a dead one: it is killed (and so
    /// restarted like one that died), and what was seen is returned; null when it exited by itself.
    /// </summary>
    private async Task<string?> WatchAsync(Process process, CancellationToken stopping)
    {
        var silent = 0;
        while (true)
        {
            using (var tick = CancellationTokenSource.CreateLinkedTokenSource(stopping))
            {
                tick.CancelAfter(_options.HealthCheckInterval);
                try
                {
                    await process.WaitForExitAsync(tick.Token).ConfigureAwait(false);
                    return null;
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    // Still running: time to ask it.
                }
            }

            using var ask = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            ask.CancelAfter(_options.HealthCheckTimeout);
            bool answers;
            try
            {
                answers = (await Engine.CheckHealthAsync(ask.Token).ConfigureAwait(false)).IsUp;
            }
            catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
            {
                answers = false;
            }

            silent = answers ? 0 : silent + 1;
            if (silent >= _options.SilentChecksBeforeRestart && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                return $"was running but did not answer its WebAPI {silent} times in a row, {_options.HealthCheckInterval.TotalSeconds:0.#} s apart";
            }
        }
    }

    private Process Launch()
    {
        var start = new ProcessStartInfo(_options.ExecutablePath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add($"--profile={Path.GetFullPath(_options.ProfileDirectory)}");
        lock (_lock)
        {
            // Cleared before the start, so that the new process's first lines (the ones that explain an early exit) are kept.
            _output.Clear();
        }

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new TorrentEngineException(EngineErrorKind.Unavailable, $"cannot start {_options.ExecutablePath}: {e.Message} (is qbittorrent-nox installed? apt-get install qbittorrent-nox)", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        lock (_lock)
        {
            _process = process;
        }

        Interlocked.Increment(ref _starts);
        return process;
    }

    private async Task WaitForApiAsync(Process process, CancellationToken stopping)
    {
        using var limit = new CancellationTokenSource(_options.StartTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, limit.Token);
        try
        {
            while (true)
            {
                if (process.HasExited)
                {
                    throw new TorrentEngineException(EngineErrorKind.Unavailable,
                        $"qbittorrent-nox exited with code {process.ExitCode} before its WebAPI answered at {_options.WebUiUrl}{OutputTail()}; its log is {_options.LogPath}");
                }

                if ((await Engine.CheckHealthAsync(linked.Token).ConfigureAwait(false)).IsUp)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw new TorrentEngineException(EngineErrorKind.Unavailable,
                $"qbittorrent-nox did not answer at {_options.WebUiUrl} within {_options.StartTimeout.TotalSeconds:0} s and was killed{OutputTail()}; its log is {_options.LogPath}");
        }
    }

    /// <summary>
    /// A daemon already answering on our port is one left over from a node that died without stopping it (it
    /// holds our profile, so ours could not start): ask it to quit first.
    /// </summary>
    private async Task StopLeftoverAsync(CancellationToken stopping)
    {
        if (!(await Engine.CheckHealthAsync(stopping).ConfigureAwait(false)).IsUp)
        {
            return;
        }

        LogLeftover(_logger, _options.WebUiUrl);
        await Engine.ShutdownAsync(stopping).ConfigureAwait(false);
        using var limit = new CancellationTokenSource(_options.StopTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, limit.Token);
        try
        {
            while ((await Engine.CheckHealthAsync(linked.Token).ConfigureAwait(false)).IsUp)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw new TorrentEngineException(EngineErrorKind.Unavailable,
                $"something else answers at {_options.WebUiUrl} and did not quit when asked: choose another Swarm:WebUiPort");
        }
    }

    private async Task StopProcessAsync(Process process, CancellationToken cancellationToken)
    {
        if (process.HasExited)
        {
            return;
        }

        var pid = process.Id;
        try
        {
            var asked = false;
            using (var limit = new CancellationTokenSource(_options.StopTimeout, _time))
            using (var ask = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token))
            {
                try
                {
                    asked = await Engine.ShutdownAsync(ask.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // It did not even answer; SIGTERM next.
                }
            }

            if (asked && await ExitsWithinAsync(process, cancellationToken).ConfigureAwait(false))
            {
                LogStopped(_logger, pid, "app/shutdown");
                return;
            }

            if (ProcessSignals.Terminate(pid) && await ExitsWithinAsync(process, cancellationToken).ConfigureAwait(false))
            {
                LogStopped(_logger, pid, "SIGTERM");
                return;
            }
        }
        finally
        {
            // Whether the polite ways failed or the caller ran out of time (the host's shutdown timeout): never left running.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                LogKilled(_logger, pid, _options.StopTimeout.TotalSeconds);
            }
        }
    }

    private async Task<bool> ExitsWithinAsync(Process process, CancellationToken cancellationToken)
    {
        using var limit = new CancellationTokenSource(_options.StopTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void Remember(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        LogOutput(_logger, line);
        lock (_lock)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>The last lines the daemon printed, for a message.</summary>
    private string OutputTail()
    {
        lock (_lock)
        {
            return _output.Count == 0 ? string.Empty : "; it printed: " + string.Join(" | ", _output);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(7001, LogLevel.Information, "qbittorrent-nox is running (pid {ProcessId}): WebAPI {WebUiUrl}, peers on port {ListenPort}")]
    private static partial void LogRunning(ILogger logger, int processId, Uri webUiUrl, int listenPort);

    [LoggerMessage(7002, LogLevel.Error, "qbittorrent-nox (pid {ProcessId}) died with exit code {ExitCode}{Output}")]
    private static partial void LogDied(ILogger logger, int processId, int exitCode, string output);

    [LoggerMessage(7003, LogLevel.Error, "qbittorrent-nox did not start: {Problem}")]
    private static partial void LogStartFailed(ILogger logger, string problem);

    [LoggerMessage(7004, LogLevel.Warning, "restarting qbittorrent-nox in {Seconds} s (failure {Failures} in a row)")]
    private static partial void LogRestarting(ILogger logger, double seconds, int failures);

    [LoggerMessage(7005, LogLevel.Information, "qbittorrent-nox (pid {ProcessId}) stopped after {How}")]
    private static partial void LogStopped(ILogger logger, int processId, string how);

    [LoggerMessage(7006, LogLevel.Warning, "qbittorrent-nox (pid {ProcessId}) did not stop within {Seconds} s of app/shutdown nor of SIGTERM: killed")]
    private static partial void LogKilled(ILogger logger, int processId, double seconds);

    [LoggerMessage(7007, LogLevel.Warning, "a qBittorrent already answers at {WebUiUrl}, left over from an earlier run: asking it to quit before starting ours")]
    private static partial void LogLeftover(ILogger logger, Uri webUiUrl);

    [LoggerMessage(7009, LogLevel.Warning, "qbittorrent-nox (pid {ProcessId}) {What}: killed, to be restarted")]
    private static partial void LogHung(ILogger logger, int processId, string what);

    [LoggerMessage(7008, LogLevel.Debug, "qbittorrent-nox: {Line}")]
    private static partial void LogOutput(ILogger logger, string line);
}
