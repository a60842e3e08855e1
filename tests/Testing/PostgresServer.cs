using System.Diagnostics;
using Npgsql;

namespace LibraryCluster.Testing;

/// <summary>
/// A private PostgreSQL server for one test class: Debian's <c>postgresql</c> binaries (scripts/test.sh installs
/// them), a fresh data folder, 127.0.0.1 on a free port, trust authentication for loopback. Run as the
/// <c>postgres</c> user when the tests run as root (PostgreSQL refuses root). Tests can stop, restart and kill it.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string User = "librarycluster";
    private readonly TempDirectory _folder = new();
    private readonly string _bin;
    private int _databases;

    private PostgresServer(string bin, int port)
    {
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string DataDirectory => _folder.Join("data");

    /// <summary>The server's administrative database, for tests that only need somewhere to connect.</summary>
    public string AdminConnectionString => ConnectionString("postgres");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username={User};Database={database};Pooling=true;Timeout=5;Command Timeout=30";

    /// <summary>Finds the binaries, creates a cluster and starts it.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Join(d, "bin")).Where(d => File.Exists(Path.Join(d, "postgres"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
        {
            throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): apt-get install postgresql, or run scripts/test.sh, which does");
        }

        var server = new PostgresServer(bin, LoopbackPorts.Free());
        if (!OperatingSystem.IsWindows() && Environment.UserName == "root")
        {
            // The postgres user must be able to reach and own its folder.
            await RunAsync("chown", ["-R", "postgres:postgres", server._folder.Path]);
            File.SetUnixFileMode(Path.GetDirectoryName(server._folder.Path)!, (UnixFileMode)0b111_101_101);
        }

        await server.AsServerUserAsync("initdb", ["-D", server.DataDirectory, "-U", User, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]);
        await server.StartServerAsync();
        return server;
    }

    /// <summary>A new, empty database (its connection string): tests do not see each other's tables.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"test_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..30];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public Task StartServerAsync() =>
        AsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-w", "-t", "60", "-l", Path.Join(DataDirectory, "server.log"),
            "-o", $"-c listen_addresses=127.0.0.1 -p {Port} -k {DataDirectory} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", "start"]);

    /// <summary>Stops the server (fast shutdown: open connections are cut).</summary>
    public Task StopServerAsync() => AsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-w", "-m", "fast", "stop"]);

    public async Task RestartAsync()
    {
        await StopServerAsync();
        await StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsServerUserAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "stop"]);
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }

        NpgsqlConnection.ClearAllPools();
        _folder.Dispose();
    }

    private Task AsServerUserAsync(string program, string[] arguments) =>
        Environment.UserName == "root"
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Join(_bin, program), .. arguments])
            : RunAsync(Path.Join(_bin, program), arguments);

    private static async Task RunAsync(string program, string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }
}
