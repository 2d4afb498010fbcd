using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Axon.Training.Checkpoints;

/// <summary>
/// Checkpoint files in one folder, named <c>ckpt-STEP.axck</c>. Byte layout (little-endian):
/// <code>
/// 0   8 bytes  magic "AXCKPT\0\x01"
/// 8   int32    format version (1)
/// 12  int64    payload length L
/// 20  L bytes  payload (BinaryWriter: scalars, then parameters, optimizer state, history)
/// 20+L uint64  XxHash64 of the payload
/// </code>
/// A write goes to a temporary file that is flushed to disk (fsync) and then renamed over the final name, so a
/// process killed at any moment leaves either the previous complete file or the new complete file, never half of one.
/// Reading checks the magic, the version, the length against the file size and the checksum before parsing.
/// </summary>
public static class CheckpointStore
{
    private static readonly byte[] Magic = "AXCKPT\0\u0001"u8.ToArray();
    private const int Version = 1;
    private const string Extension = ".axck";

    /// <summary>Writes <paramref name="c"/> atomically; keeps the newest <paramref name="keep"/> checkpoints and deletes older ones.</summary>
    public static string Save(string directory, Checkpoint c, int keep = 3)
    {
        Directory.CreateDirectory(directory);
        byte[] payload = Serialize(c);
        string final = System.IO.Path.Combine(directory, $"ckpt-{c.Step:D10}{Extension}");
        string temp = final + $".tmp-{Environment.ProcessId}";
        using (var fs = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Span<byte> head = stackalloc byte[20];
            Magic.CopyTo(head);
            BinaryPrimitives.WriteInt32LittleEndian(head[8..], Version);
            BinaryPrimitives.WriteInt64LittleEndian(head[12..], payload.Length);
            fs.Write(head);
            fs.Write(payload);
            Span<byte> sum = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(sum, XxHash64.HashToUInt64(payload));
            fs.Write(sum);
            fs.Flush(flushToDisk: true);
        }
        File.Move(temp, final, overwrite: true);
        Prune(directory, keep);
        return final;
    }

    /// <summary>Checkpoint files in the folder, newest (highest step) first.</summary>
    public static IReadOnlyList<string> List(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "ckpt-*" + Extension).OrderByDescending(p => p, StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The newest checkpoint that reads back intact, or null when the folder has none. Each damaged file met on the way
    /// is reported through <paramref name="warn"/> (with the reason) and skipped in favour of the previous one.
    /// </summary>
    public static Checkpoint? LoadNewestValid(string directory, Action<string>? warn = null)
    {
        foreach (var path in List(directory))
        {
            try
            {
                return Load(path);
            }
            catch (AxonException e)
            {
                warn?.Invoke($"skipping checkpoint '{path}': {e.Message} [{e.Code}]; trying the previous one");
            }
        }
        return null;
    }

    /// <summary>Reads one checkpoint file, checking its structure and checksum (AXT130-AXT133 on failure).</summary>
    public static Checkpoint Load(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new AxonException($"cannot read checkpoint '{path}': {e.Message}", "AXT130", e);
        }
        if (bytes.Length < 28 || !bytes.AsSpan(0, 8).SequenceEqual(Magic))
        {
            throw new AxonException($"'{path}' is not an Axon checkpoint (bad magic or shorter than its header)", "AXT131");
        }
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        if (version != Version)
        {
            throw new AxonException($"checkpoint '{path}' has format version {version}; this Axon reads version {Version}", "AXT132");
        }
        long len = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        if (len < 0 || 20 + len + 8 != bytes.Length)
        {
            throw new AxonException($"checkpoint '{path}' is truncated: header declares {len} payload bytes, file has {bytes.Length - 28}", "AXT133");
        }
        var payload = bytes.AsSpan(20, (int)len);
        ulong expected = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(20 + (int)len));
        if (XxHash64.HashToUInt64(payload) != expected)
        {
            throw new AxonException($"checkpoint '{path}' is corrupt: checksum mismatch", "AXT133");
        }
        try
        {
            var c = Deserialize(payload.ToArray());
            c.Path = path;
            return c;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or OverflowException)
        {
            throw new AxonException($"checkpoint '{path}' has a checksum that matches but a payload that does not parse: {e.Message}", "AXT133", e);
        }
    }

    private static void Prune(string directory, int keep)
    {
        // Temporary files of writers that were killed before their rename.
        foreach (var stale in Directory.GetFiles(directory, "ckpt-*.tmp-*"))
        {
            if (!stale.EndsWith($".tmp-{Environment.ProcessId}", StringComparison.Ordinal))
            {
                TryDelete(stale);
            }
        }
        foreach (var old in List(directory).Skip(Math.Max(1, keep)))
        {
            TryDelete(old);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another process may hold it; it is pruned next time.
        }
    }

    private static byte[] Serialize(Checkpoint c)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(c.Step);
            w.Write(c.Epoch);
            w.Write(c.NextBatch);
            w.Write(c.Seed);
            w.Write(c.RngState);
            w.Write(c.LossScale);
            w.Write(c.LossScaleGoodSteps);
            w.Write(c.OptimizerName);
            w.Write(c.OptimizerSteps);
            w.Write(c.Config);
            w.Write(c.EpochLossSum);
            w.Write(c.EpochCorrect);
            w.Write(c.EpochSamples);
            w.Write(c.EpochSeconds);
            w.Write(c.Parameters.Count);
            foreach (var (name, shape, data) in c.Parameters)
            {
                w.Write(name);
                w.Write(shape.Length);
                foreach (int d in shape)
                {
                    w.Write(d);
                }
                WriteFloats(w, data);
            }
            w.Write(c.OptimizerState.Count);
            foreach (var s in c.OptimizerState)
            {
                WriteFloats(w, s);
            }
            w.Write(c.History.Count);
            foreach (var h in c.History)
            {
                w.Write(h.Epoch);
                w.Write(h.Loss);
                w.Write(h.TrainAccuracy);
                w.Write(h.TestAccuracy);
                w.Write(h.SamplesPerSecond);
            }
        }
        return ms.ToArray();
    }

    private static Checkpoint Deserialize(byte[] payload)
    {
        using var r = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
        var c = new Checkpoint
        {
            Step = r.ReadInt64(),
            Epoch = r.ReadInt32(),
            NextBatch = r.ReadInt32(),
            Seed = r.ReadUInt64(),
            RngState = r.ReadUInt64(),
            LossScale = r.ReadSingle(),
            LossScaleGoodSteps = r.ReadInt32(),
            OptimizerName = r.ReadString(),
            OptimizerSteps = r.ReadInt64(),
            Config = r.ReadString(),
            EpochLossSum = r.ReadDouble(),
            EpochCorrect = r.ReadInt64(),
            EpochSamples = r.ReadInt64(),
            EpochSeconds = r.ReadDouble(),
        };
        int np = Count(r, payload.Length);
        for (int i = 0; i < np; i++)
        {
            string name = r.ReadString();
            int rank = Count(r, 16);
            var shape = new int[rank];
            for (int d = 0; d < rank; d++)
            {
                shape[d] = r.ReadInt32();
            }
            c.Parameters.Add((name, shape, ReadFloats(r, payload.Length)));
        }
        int ns = Count(r, payload.Length);
        for (int i = 0; i < ns; i++)
        {
            c.OptimizerState.Add(ReadFloats(r, payload.Length));
        }
        int nh = Count(r, payload.Length);
        for (int i = 0; i < nh; i++)
        {
            c.History.Add(new EpochResult(r.ReadInt32(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble(), r.ReadDouble()));
        }
        return c;
    }

    private static int Count(BinaryReader r, int max)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > max)
        {
            throw new ArgumentException($"count {n} out of range");
        }
        return n;
    }

    private static void WriteFloats(BinaryWriter w, float[] data)
    {
        w.Write(data.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
    }

    private static float[] ReadFloats(BinaryReader r, int maxBytes)
    {
        int n = Count(r, maxBytes / 4);
        var bytes = r.ReadBytes(n * 4);
        if (bytes.Length != n * 4)
        {
            throw new EndOfStreamException("float array cut short");
        }
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
