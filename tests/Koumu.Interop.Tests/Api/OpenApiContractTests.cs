using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Api;
using Koumu.Interop.Api.Auth;
using Koumu.Interop.Api.Imports;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Koumu.Interop.Tests.Api;

/// <summary>openapi.yaml (repository root) describes exactly what the hub serves.</summary>
public sealed partial class OpenApiContractTests(KoumuApiFactory hub) : IClassFixture<KoumuApiFactory>
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options"];

    [Fact]
    public void Every_served_route_and_method_is_documented_and_nothing_else()
    {
        _ = hub.Server; // start the host
        var served = hub.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m.ToUpperInvariant()} {Normalize(e.RoutePattern.RawText!)}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        var yaml = Yaml.Load(OpenApiPath());
        var documented = yaml.Keys("paths")
            .SelectMany(path => yaml.Keys("paths", path).Where(Methods.Contains).Select(m => $"{m.ToUpperInvariant()} {path}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(documented, served);
    }

    [Theory]
    [InlineData("{0}", true)]
    [InlineData("W/{0}", true)]
    [InlineData("\"other\", {0}", true)]
    [InlineData("*", true)]
    [InlineData("\"other\"", false)]
    [InlineData("not an etag", false)]
    public async Task Served_contract_answers_304_to_a_matching_if_none_match(string ifNoneMatch, bool notModified)
    {
        using var http = hub.CreateHttpsClient();
        using var first = await http.GetAsync(new Uri("/openapi.yaml", UriKind.Relative));
        var etag = first.Headers.ETag!.ToString();
        Assert.Equal("application/yaml", first.Content.Headers.ContentType!.MediaType);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi.yaml");
        request.Headers.TryAddWithoutValidation("If-None-Match", string.Format(System.Globalization.CultureInfo.InvariantCulture, ifNoneMatch, etag));
        using var second = await http.SendAsync(request);

        Assert.Equal(notModified ? System.Net.HttpStatusCode.NotModified : System.Net.HttpStatusCode.OK, second.StatusCode);
    }

    [Fact]
    public void Documented_schemas_have_the_properties_the_hub_serialises()
    {
        var yaml = Yaml.Load(OpenApiPath());
        AssertSchema<ImportJobView>(yaml, "ImportJob");
        AssertSchema<ImportProblemView>(yaml, "ImportProblem");
        AssertSchema<ClientInfo>(yaml, "Client");
        AssertSchema<CreatedClient>(yaml, "CreatedClient");
        AssertSchema<CreateClientRequest>(yaml, "CreateClientRequest");
        AssertSchema<Koumu.Interop.Storage.Xapi.XapiCredentialInfo>(yaml, "XapiCredential");
        AssertSchema<Koumu.Interop.Api.Xapi.CreatedXapiCredential>(yaml, "CreatedXapiCredential");
        AssertSchema<Koumu.Interop.Api.Xapi.CreateXapiCredentialRequest>(yaml, "CreateXapiCredentialRequest");
        AssertSchema<Koumu.Interop.Api.Xapi.XapiError>(yaml, "XapiError");
    }

    [Fact]
    public void Documented_scopes_are_the_scopes_the_token_endpoint_registers()
    {
        var yaml = Yaml.Load(OpenApiPath());

        var documented = yaml.Keys("components", "securitySchemes", "oauth2", "flows", "clientCredentials", "scopes");

        Assert.Equal(KoumuScopes.All.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Equal(21, documented.Count); // 13 OneRoster 1.2 scopes + koumu.admin + koumu.changes.readonly + koumu.xapi.read/write + koumu.learning.readonly + koumu.attendance.read/write/health.read
    }

    private static void AssertSchema<T>(Yaml yaml, string schema)
    {
        var properties = typeof(T).GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name)).Order(StringComparer.Ordinal);
        Assert.Equal(properties, yaml.Keys("components", "schemas", schema, "properties").Order(StringComparer.Ordinal));
    }

    /// <summary>Route template → OpenAPI path: constraints dropped (<c>{jobId:guid}</c> → <c>{jobId}</c>), no trailing slash.</summary>
    private static string Normalize(string template)
    {
        var path = Constraint().Replace("/" + template.TrimStart('/'), "{$1}");
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)(:[^}]*)?\}")]
    private static partial Regex Constraint();

    internal static string OpenApiPath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Koumu.Interop.sln"))) return Path.Combine(dir.FullName, "openapi.yaml");
        }
        throw new FileNotFoundException("Repository root (Koumu.Interop.sln) not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Just enough YAML to read mapping keys of a block-style document by indentation (the test project has no YAML
    /// library; openapi.yaml uses block mappings for every level these tests walk).
    /// </summary>
    internal sealed partial class Yaml(IReadOnlyList<(int Indent, string Key)> lines)
    {
        public static Yaml Load(string path) => new(
            File.ReadAllLines(path)
                .Where(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#') && !l.TrimStart().StartsWith('-'))
                .Select(l => KeyLine().Match(l))
                .Where(m => m.Success)
                .Select(m => (m.Groups[1].Length, m.Groups[3].Value))
                .ToList());

        /// <summary>Keys directly under the node reached by <paramref name="path"/>.</summary>
        public List<string> Keys(params string[] path)
        {
            int start = 0, end = lines.Count, indent = -1;
            foreach (var key in path)
            {
                var index = -1;
                var childIndent = -1;
                for (var i = start; i < end; i++)
                {
                    if (lines[i].Indent <= indent) break;
                    if (childIndent < 0) childIndent = lines[i].Indent;
                    if (lines[i].Indent == childIndent && lines[i].Key == key) { index = i; break; }
                }
                if (index < 0) throw new KeyNotFoundException($"openapi.yaml has no '{string.Join(" > ", path)}'.");
                indent = lines[index].Indent;
                start = index + 1;
                end = start;
                while (end < lines.Count && lines[end].Indent > indent) end++;
            }
            var children = lines.Skip(start).Take(end - start).ToList();
            if (children.Count == 0) return [];
            var level = children.Min(c => c.Indent);
            return [.. children.Where(c => c.Indent == level).Select(c => c.Key)];
        }

        // key: value | key: | "key": …  (keys may contain ':' as in scope URIs, so the separator is ': ' or a final ':')
        [GeneratedRegex("""^(\s*)("?)(.+?)\2:(\s|$)""")]
        private static partial Regex KeyLine();
    }
}
