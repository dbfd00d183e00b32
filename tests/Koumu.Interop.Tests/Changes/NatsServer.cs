using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Koumu.Interop.Tests.Changes;

/// <summary>
/// A real <c>nats-server -js</c> (Debian's package) on a free 127.0.0.1 port with its JetStream store in a temp folder,
/// stoppable and restartable on the same port and store. Missing binary: the test is skipped locally and fails under
/// CI=true (<c>.ci/run</c> installs it), like PostgreSQL in <see cref="TestSupport.TestStore"/>.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    private readonly string _binary;
    private readonly StringBuilder _log = new();
    private Process? _process;

    private NatsServer(string binary)
    {
        _binary = binary;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        StoreDirectory = Path.Combine(Path.GetTempPath(), "koumu-nats-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(StoreDirectory);
    }

    public int Port { get; }

    public string StoreDirectory { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The binary, or a skip (locally) / failure (CI) when it is not installed.</summary>
    public static string Binary()
    {
        var candidates = new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(d => Path.Combine(d, "nats-server")));
        if (candidates.FirstOrDefault(File.Exists) is { } found) return found;
        const string message = "nats-server is not installed (apt-get install nats-server, or run bash .ci/run)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(message + ": it is required in CI.");
        Skip.If(true, message);
        throw new InvalidOperationException(message);
    }

    public static async Task<NatsServer> StartAsync()
    {
        var server = new NatsServer(Binary());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again) on the same port and JetStream store; returns when JetStream answers.</summary>
    public async Task StartAgainAsync()
    {
        if (_process is { HasExited: false }) return;
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-js", "-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-sd", StoreDirectory })
            start.ArgumentList.Add(argument);
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_log) _log.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (_process.HasExited) break;
            try
            {
                await using var connection = new NatsConnection(new NatsOpts { Url = Url, ConnectTimeout = TimeSpan.FromSeconds(1) });
                await new NatsJSContext(connection).GetAccountInfoAsync();
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }
        lock (_log) throw new InvalidOperationException("nats-server did not start:\n" + _log);
    }

    /// <summary>Stops the server (SIGKILL: NATS goes away without a goodbye, as in an outage).</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>One stored message of a stream.</summary>
    public sealed record Stored(ulong Sequence, string Subject, string? MessageId, byte[] Data)
    {
        public JsonElement Json => JsonDocument.Parse(Data).RootElement;

        public long Version => Json.GetProperty("data").GetProperty("version").GetInt64();
    }

    /// <summary>Every message the stream holds (filtered by subject when given), in stream order.</summary>
    public async Task<List<Stored>> ReadStreamAsync(string stream, string? filter = null)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = Url });
        var js = new NatsJSContext(connection);
        var info = await js.GetStreamAsync(stream);
        var list = new List<Stored>();
        var total = info.Info.State.Messages;
        if (total == 0) return list;
        // Filtered here, not by the consumer: Debian's nats-server 2.9 ignores the filter_subjects the client sends.
        var consumer = await js.CreateOrderedConsumerAsync(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // Fetch until a fetch comes back empty: the ordered consumer delivers every matching stored message once, in order.
        while (true)
        {
            var read = 0;
            await foreach (var message in consumer.FetchAsync<byte[]>(new NatsJSFetchOpts { MaxMsgs = 1000, Expires = TimeSpan.FromSeconds(1) }, cancellationToken: timeout.Token))
            {
                read++;
                if (filter is null || Matches(message.Subject, filter))
                {
                    list.Add(new Stored(message.Metadata!.Value.Sequence.Stream, message.Subject,
                        message.Headers is { } headers && headers.TryGetValue("Nats-Msg-Id", out var id) ? id.ToString() : null, message.Data ?? []));
                }
            }
            if (read == 0) return list;
        }
    }

    /// <summary>NATS subject matching: <c>*</c> is one token, a final <c>&gt;</c> one or more.</summary>
    public static bool Matches(string subject, string filter)
    {
        var s = subject.Split('.');
        var f = filter.Split('.');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == ">") return i == f.Length - 1 && s.Length > i;
            if (i >= s.Length || (f[i] != "*" && f[i] != s[i])) return false;
        }
        return s.Length == f.Length;
    }

    /// <summary>How many messages the stream holds (0 when it does not exist yet).</summary>
    public async Task<long> CountAsync(string stream)
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = Url });
        try
        {
            return (await new NatsJSContext(connection).GetStreamAsync(stream)).Info.State.Messages;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(StoreDirectory, recursive: true); } catch (IOException) { }
    }
}
