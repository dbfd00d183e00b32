using System.Net;
using System.Net.Sockets;

namespace Koumu.Interop.Api.Changes;

/// <summary>
/// SSRF guard for webhook targets (OWASP SSRF Prevention Cheat Sheet): a subscription may only point at public
/// addresses. Checked when the subscription is created (its host resolved) and again for every connection, on the address
/// actually dialled (<see cref="ConnectAsync"/> as the handler's ConnectCallback), so a DNS answer that changes after
/// the first check (DNS rebinding) cannot reach an internal service. <c>Koumu:Webhooks:AllowPrivateTargets</c> lifts the
/// rule (development, tests with a receiver on 127.0.0.1).
/// </summary>
public sealed class WebhookTargets(bool allowPrivate)
{
    public bool AllowPrivate { get; } = allowPrivate;

    /// <summary>Whether <paramref name="address"/> is a public unicast address (IPv4-mapped and NAT64 forms judged by their IPv4 address).</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0                                   // 0.0.0.0/8 "this network"
                || b[0] == 10                                    // 10/8 private (RFC 1918)
                || b[0] == 127                                   // loopback
                || (b[0] == 100 && (b[1] & 0xC0) == 64)          // 100.64/10 carrier-grade NAT (RFC 6598)
                || (b[0] == 169 && b[1] == 254)                  // link-local, incl. 169.254.169.254 cloud metadata
                || (b[0] == 172 && (b[1] & 0xF0) == 16)          // 172.16/12 private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // 192.0.0/24 IETF protocol assignments
                || (b[0] == 192 && b[1] == 168)                  // 192.168/16 private
                || (b[0] == 198 && (b[1] & 0xFE) == 18)          // 198.18/15 benchmarking
                || b[0] >= 224);                                 // multicast 224/4, reserved 240/4, broadcast
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return false;
        if (address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6None)) return false;
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal) return false;
        var bytes = address.GetAddressBytes();
        // 64:ff9b::/96 (NAT64) and ::/96 (IPv4-compatible) embed an IPv4 address: judge that one.
        if (bytes[0] == 0 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            return IsPublic(new IPAddress(bytes.AsSpan(12, 4)));
        if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return false;
        // Only global unicast (2000::/3) is public.
        return (bytes[0] & 0xE0) == 0x20;
    }

    /// <summary>Refusal reason for a subscription URL, or null when it may be used. Resolves the host once.</summary>
    public async Task<string?> CheckAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return "'url' is an absolute https URL.";
        if (url.Scheme == Uri.UriSchemeHttp && !AllowPrivate)
            return "'url' must use https (deliveries carry personal data; plain http only with Koumu:Webhooks:AllowPrivateTargets).";
        if (!string.IsNullOrEmpty(url.UserInfo)) return "'url' must not carry credentials.";
        if (AllowPrivate) return null;
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(url.IdnHost, cancellationToken);
        }
        catch (SocketException e)
        {
            return $"'url' host '{url.Host}' does not resolve ({e.SocketErrorCode}).";
        }
        if (addresses.Length == 0) return $"'url' host '{url.Host}' does not resolve.";
        return addresses.FirstOrDefault(a => !IsPublic(a)) is { } refused
            ? $"'url' resolves to {refused}, a private, loopback, link-local or multicast address; webhooks go to public addresses only."
            : null;
    }

    /// <summary>The handler's ConnectCallback: resolves the host, refuses non-public addresses, connects to the first allowed one.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endPoint = context.DnsEndPoint;
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var allowed = AllowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0 || (!AllowPrivate && allowed.Length != addresses.Length))
            throw new HttpRequestException($"Webhook target {endPoint.Host} resolves to a non-public address; refused.");
        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw new HttpRequestException($"Could not connect to {endPoint.Host}:{endPoint.Port}.", last);
    }
}
