using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;

namespace Intake.Server.WebConsole;

/// <summary>
/// The console's files, embedded in the server assembly (ADR 7). Every asset is served under one versioned
/// directory, <c>/console/assets/&lt;version&gt;/</c>, where the version is a SHA-256 over every asset's name and
/// bytes: the URLs change whenever any file does, so they can be cached forever, and the ES modules' relative
/// imports stay inside the same version without rewriting. Read once at start; immutable and thread-safe after.
/// </summary>
internal sealed class ConsoleAssets
{
    private const string Root = "WebConsole/Assets";
    private const string ShellName = "index.html";
    private readonly Dictionary<string, Asset> _assets = new(StringComparer.Ordinal);

    public ConsoleAssets(string prefix)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(ConsoleAssets).Assembly, Root);
        var types = new FileExtensionContentTypeProvider();
        using var version = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[]? shell = null;
        foreach (var (path, file) in Walk(files, "/").OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            using var stream = file.CreateReadStream();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (path == ShellName)
            {
                shell = bytes;
                continue;
            }

            version.AppendData(Encoding.UTF8.GetBytes(path + "\n"));
            version.AppendData(SHA256.HashData(bytes));
            var contentType = path.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript; charset=utf-8"
                : types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (contentType.StartsWith("text/", StringComparison.Ordinal) && !contentType.Contains("charset", StringComparison.Ordinal))
            {
                contentType += "; charset=utf-8";
            }

            _assets[path] = new Asset(bytes, contentType);
        }

        Prefix = prefix;
        Version = Convert.ToHexStringLower(version.GetHashAndReset())[..32];
        AssetBase = $"{prefix}/assets/{Version}";
        Shell = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(shell ?? throw new InvalidOperationException($"The console's {ShellName} is not embedded."))
            .Replace("{{assets}}", AssetBase, StringComparison.Ordinal));
    }

    /// <summary>Where the console is served, e.g. <c>/console</c>.</summary>
    public string Prefix { get; }

    /// <summary>The content hash in every asset URL (the first 128 bits of the SHA-256).</summary>
    public string Version { get; }

    /// <summary>The path under which this version's assets are served, e.g. <c>/console/assets/3f…</c>.</summary>
    public string AssetBase { get; }

    /// <summary>The page shell with its asset URLs filled in. It holds no data, only where the scripts are.</summary>
    public byte[] Shell { get; }

    public Asset? Find(string version, string path) =>
        version == Version && _assets.TryGetValue(path, out var asset) ? asset : null;

    private static IEnumerable<(string Path, IFileInfo File)> Walk(IFileProvider files, string directory)
    {
        foreach (var entry in files.GetDirectoryContents(directory))
        {
            var path = directory == "/" ? entry.Name : $"{directory}/{entry.Name}";
            if (entry.IsDirectory)
            {
                foreach (var nested in Walk(files, path))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return (path, entry);
            }
        }
    }

    public sealed record Asset(byte[] Content, string ContentType);
}
