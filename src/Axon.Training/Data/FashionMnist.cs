namespace Axon.Training.Data;

/// <summary>Images (float, N x C x H x W, scaled to [0, 1]) with integer class labels.</summary>
public sealed class LabeledImages
{
    public LabeledImages(float[] pixels, int[] labels, int channels, int height, int width, int classes)
    {
        if (pixels.Length != labels.Length * channels * height * width)
        {
            throw new AxonInputException($"{labels.Length} labels but {pixels.Length} pixels (expected {labels.Length * channels * height * width})", "AXT104");
        }
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
    }

    public float[] Pixels { get; }
    public int[] Labels { get; }
    public int Count => Labels.Length;
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }
    public int SampleSize => Channels * Height * Width;

    /// <summary>The first <paramref name="n"/> samples (the whole set when n is null or larger).</summary>
    public LabeledImages Take(int? n)
    {
        if (n is null || n.Value >= Count)
        {
            return this;
        }
        int k = Math.Max(0, n.Value);
        return new LabeledImages(Pixels.AsSpan(0, k * SampleSize).ToArray(), Labels.AsSpan(0, k).ToArray(), Channels, Height, Width, Classes);
    }
}

/// <summary>Fashion-MNIST from Debian's <c>dataset-fashion-mnist</c> package (or any folder with the four IDX files).</summary>
public static class FashionMnist
{
    /// <summary>Where Debian installs the dataset.</summary>
    public const string DefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The ten class names, by label.</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Loads the training set (60,000) or the test set (10,000); <paramref name="limit"/> keeps only the first N.</summary>
    public static LabeledImages Load(string directory, bool train, int? limit = null)
    {
        string prefix = train ? "train" : "t10k";
        string images = Find(directory, $"{prefix}-images-idx3-ubyte");
        string labels = Find(directory, $"{prefix}-labels-idx1-ubyte");
        var (idims, ibytes) = IdxReader.ReadBytes(images);
        var (ldims, lbytes) = IdxReader.ReadBytes(labels);
        if (idims.Length != 3 || ldims.Length != 1)
        {
            throw new AxonInputException($"'{images}' must be rank 3 and '{labels}' rank 1 (got ranks {idims.Length} and {ldims.Length})", "AXT104");
        }
        if (idims[0] != ldims[0])
        {
            throw new AxonInputException($"'{images}' holds {idims[0]} images but '{labels}' holds {ldims[0]} labels", "AXT104");
        }
        int n = limit is { } l ? Math.Min(l, idims[0]) : idims[0];
        int size = idims[1] * idims[2];
        var pixels = new float[(long)n * size];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = ibytes[i] * (1f / 255f);
        }
        var labs = new int[n];
        for (int i = 0; i < n; i++)
        {
            labs[i] = lbytes[i];
            if (labs[i] > 9)
            {
                throw new AxonInputException($"'{labels}' has label {labs[i]} at index {i}; Fashion-MNIST labels are 0-9", "AXT104");
            }
        }
        return new LabeledImages(pixels, labs, 1, idims[1], idims[2], 10);
    }

    private static string Find(string dir, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            string p = Path.Combine(dir, candidate);
            if (File.Exists(p))
            {
                return p;
            }
        }
        throw new AxonInputException(
            $"Fashion-MNIST file '{stem}(.gz)' not found in '{dir}' (install Debian's dataset-fashion-mnist or pass --data-dir)", "AXT100");
    }
}
