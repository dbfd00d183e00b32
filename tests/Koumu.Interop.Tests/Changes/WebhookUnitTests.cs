using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Koumu.Interop.Api.Changes;
using Koumu.Interop.Storage.Changes;

namespace Koumu.Interop.Tests.Changes;

/// <summary>Standard Webhooks signing, secrets at rest, the retry schedule and the SSRF guard, without a hub.</summary>
public sealed class WebhookUnitTests
{
    // The Standard Webhooks reference test vector (standard-webhooks libraries' tests: "verifyWebhookSignWorks").
    private const string VectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string VectorId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long VectorTimestamp = 1614265330;
    private const string VectorPayload = "{\"test\": 2432232314}";
    private const string VectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset VectorTime = DateTimeOffset.FromUnixTimeSeconds(VectorTimestamp);

    [Fact]
    public void Signature_matches_the_Standard_Webhooks_test_vector()
    {
        Assert.Equal(VectorSignature, StandardWebhooks.Sign(VectorSecret, VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorPayload)));
        // The whsec_ prefix is optional for the key, as in the reference libraries.
        Assert.Equal(VectorSignature, StandardWebhooks.Sign(VectorSecret[6..], VectorId, VectorTimestamp, Encoding.UTF8.GetBytes(VectorPayload)));
    }

    [Fact]
    public void Verification_accepts_the_vector_among_several_signatures_and_refuses_tampering_and_stale_timestamps()
    {
        var body = Encoding.UTF8.GetBytes(VectorPayload);
        var tolerance = TimeSpan.FromMinutes(5);
        var several = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= " + VectorSignature;
        Assert.True(StandardWebhooks.Verify(VectorSecret, VectorId, "1614265330", several, body, VectorTime, tolerance));
        Assert.False(StandardWebhooks.Verify(VectorSecret, VectorId, "1614265330", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLawdd", body, VectorTime, tolerance));
        Assert.False(StandardWebhooks.Verify(VectorSecret, VectorId, "1614265330", VectorSignature, Encoding.UTF8.GetBytes("{\"test\": 2432232315}"), VectorTime, tolerance));
        Assert.False(StandardWebhooks.Verify(VectorSecret, "msg_other", "1614265330", VectorSignature, body, VectorTime, tolerance));
        Assert.False(StandardWebhooks.Verify(VectorSecret, VectorId, "1614265330", VectorSignature, body, VectorTime.AddMinutes(6), tolerance));
        Assert.False(StandardWebhooks.Verify(VectorSecret, VectorId, "not-a-number", VectorSignature, body, VectorTime, tolerance));
        Assert.False(StandardWebhooks.Verify("whsec_" + Convert.ToBase64String(new byte[32]), VectorId, "1614265330", VectorSignature, body, VectorTime, tolerance));
    }

    [Fact]
    public void Rotation_header_carries_one_v1_entry_per_secret_each_verifying_with_its_own_secret()
    {
        var other = StandardWebhooks.NewSecret();
        var body = Encoding.UTF8.GetBytes(VectorPayload);
        var header = StandardWebhooks.SignatureHeader([other, VectorSecret], VectorId, VectorTimestamp, body);
        var entries = header.Split(' ');
        Assert.Equal(2, entries.Length);
        Assert.Equal(VectorSignature, entries[1]);
        Assert.True(StandardWebhooks.Verify(other, VectorId, "1614265330", header, body, VectorTime, TimeSpan.FromMinutes(5)));
        Assert.True(StandardWebhooks.Verify(VectorSecret, VectorId, "1614265330", header, body, VectorTime, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void New_secrets_are_whsec_prefixed_32_random_bytes()
    {
        var a = StandardWebhooks.NewSecret();
        Assert.StartsWith("whsec_", a, StringComparison.Ordinal);
        Assert.Equal(32, StandardWebhooks.Key(a).Length);
        Assert.NotEqual(a, StandardWebhooks.NewSecret());
    }

    [Fact]
    public void A_sealed_secret_opens_only_for_its_own_subscription_and_is_not_stored_in_clear()
    {
        var box = new WebhookSecretBox(RandomNumberGenerator.GetBytes(32));
        var id = Guid.NewGuid();
        var secret = StandardWebhooks.NewSecret();
        var sealedSecret = box.Seal(id, secret);
        Assert.DoesNotContain(Encoding.UTF8.GetBytes(secret[6..12]), Windows(sealedSecret, 6));
        Assert.Equal(secret, box.Open(id, sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(Guid.NewGuid(), sealedSecret));
        sealedSecret[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => box.Open(id, sealedSecret));
        Assert.ThrowsAny<CryptographicException>(() => new WebhookSecretBox(RandomNumberGenerator.GetBytes(32)).Open(id, box.Seal(id, secret)));
        Assert.ThrowsAny<CryptographicException>(() => box.Open(id, new byte[5]));

        static IEnumerable<byte[]> Windows(byte[] bytes, int size) => Enumerable.Range(0, bytes.Length - size + 1).Select(i => bytes[i..(i + size)]);
    }

    [Fact]
    public void Retry_delays_grow_exponentially_with_full_jitter_up_to_the_cap_and_stop_after_the_last_attempt()
    {
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), MaxAttempts: 8);
        var random = new Random(42);
        for (var failed = 1; failed < 8; failed++)
        {
            var ceiling = Math.Min(60, Math.Pow(2, failed - 1));
            var delays = Enumerable.Range(0, 200).Select(_ => schedule.Next(failed, null, random)!.Value.TotalSeconds).ToList();
            Assert.All(delays, d => Assert.InRange(d, 0, ceiling));
            // Full jitter spreads over the whole range, not around one value.
            Assert.True(delays.Min() < ceiling * 0.2 && delays.Max() > ceiling * 0.8, $"attempt {failed}: {delays.Min()}..{delays.Max()} of {ceiling}");
        }
        Assert.Null(schedule.Next(8, null, random));
        Assert.Null(schedule.Next(9, TimeSpan.FromSeconds(1), random));
    }

    [Fact]
    public void Retry_After_wins_when_longer_and_is_capped()
    {
        var schedule = new RetrySchedule(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), MaxAttempts: 8);
        Assert.Equal(TimeSpan.FromSeconds(30), schedule.Next(1, TimeSpan.FromSeconds(30), new Random(1)));
        Assert.Equal(TimeSpan.FromSeconds(60), schedule.Next(1, TimeSpan.FromDays(7), new Random(1)));
        Assert.InRange(schedule.Next(1, TimeSpan.FromSeconds(-5), new Random(1))!.Value.TotalSeconds, 0, 1);
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("169.254.169.254")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("64:ff9b::7f00:1")]
    public void Private_loopback_link_local_multicast_and_mapped_addresses_are_not_public(string address) =>
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("203.0.114.5")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_public(string address) => Assert.True(WebhookTargets.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("https://10.0.0.5/hook")]
    [InlineData("https://127.0.0.1:8443/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("http://8.8.8.8/hook")]
    [InlineData("ftp://8.8.8.8/hook")]
    [InlineData("https://user:pass@8.8.8.8/hook")]
    [InlineData("https://no-such-host.invalid/hook")]
    public async Task Subscription_targets_that_are_not_public_https_are_refused(string url)
    {
        var targets = new WebhookTargets(allowPrivate: false);
        Assert.NotNull(await targets.CheckAsync(new Uri(url), CancellationToken.None));
    }

    [Fact]
    public async Task A_public_https_literal_is_accepted_and_private_targets_only_with_the_setting()
    {
        Assert.Null(await new WebhookTargets(false).CheckAsync(new Uri("https://8.8.8.8/hook"), CancellationToken.None));
        Assert.Null(await new WebhookTargets(true).CheckAsync(new Uri("http://127.0.0.1:9/hook"), CancellationToken.None));
    }

    [Fact]
    public async Task The_connect_time_check_refuses_a_hostname_resolving_to_loopback_even_if_the_subscription_was_accepted()
    {
        // A receiver really listening on loopback: only the guard stands between the hub and it.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var handler = new SocketsHttpHandler { ConnectCallback = new WebhookTargets(false).ConnectAsync, UseProxy = false };
        using var http = new HttpClient(handler);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync($"http://localhost:{port}/hook", new StringContent("{}")));
        Assert.Contains("non-public", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync($"http://127.0.0.1:{port}/hook", new StringContent("{}")));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.PostAsync($"http://[::ffff:127.0.0.1]:{port}/hook", new StringContent("{}")));
        Assert.False(listener.Pending());
    }
}

/// <summary>The in-process wake-up of the stream and the dispatcher.</summary>
public sealed class ChangeSignalTests
{
    [Fact]
    public async Task A_pulse_wakes_a_waiter_at_once_and_without_one_the_wait_ends_at_the_timeout()
    {
        var signal = new ChangeSignal();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var waiting = signal.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        signal.Pulse();
        await waiting;
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"woke after {watch.ElapsedMilliseconds} ms");

        watch.Restart();
        await signal.WaitAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        Assert.InRange(watch.ElapsedMilliseconds, 150, 5000);
    }
}
