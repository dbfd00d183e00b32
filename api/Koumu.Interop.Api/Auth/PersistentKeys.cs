using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Koumu.Interop.Api.Auth;

/// <summary>
/// RSA keys kept as PEM files. OpenIddict's development keys are ephemeral, so tokens issued before a restart (or by
/// another hub process) would stop validating (shared/reference/pitfalls.md, "Signing keys"). The file is created once,
/// readable by the hub's user only; every hub process behind a load balancer must be given the same file.
/// </summary>
public static class PersistentKeys
{
    public static RsaSecurityKey LoadOrCreate(string path, ILogger? logger = null)
    {
        if (!File.Exists(path)) TryCreate(path, logger);
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        catch (ArgumentException e)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"The key file '{path}' does not hold a PEM-encoded RSA private key.", e);
        }
        if (rsa.KeySize < 2048)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"The key in '{path}' has {rsa.KeySize} bits; at least 2048 are required.");
        }
        // A stable key id lets validators pick the right key after a key rollover.
        var parameters = rsa.ExportParameters(false);
        var kid = Base64UrlEncoder.Encode(SHA256.HashData(parameters.Modulus!))[..16];
        return new RsaSecurityKey(rsa) { KeyId = kid };
    }

    private static void TryCreate(string path, ILogger? logger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var rsa = RSA.Create(2048);
        var pem = rsa.ExportPkcs8PrivateKeyPem();
        try
        {
            // CreateNew: two hub processes starting together must not overwrite each other's key.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(pem);
            logger?.LogWarning("Created a new RSA key at {Path}. Back it up; every hub process must use the same file.", path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
        }
    }
}
