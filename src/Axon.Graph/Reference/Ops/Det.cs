namespace Axon.Graph.Reference.Ops;

/// <summary>Determinant of each trailing M x M matrix, by LU decomposition with partial pivoting in double.</summary>
[Op("Det")]
internal sealed class Det : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var xt = ctx.Input(0);
        var s = xt.Shape;
        if (s.Length < 2 || s[^1] != s[^2])
        {
            throw ctx.Error($"Det needs [*, M, M], got [{string.Join(",", s)}]");
        }
        int m = s[^1];
        var x = xt.ToDoubles();
        int count = m == 0 ? Tensor.CheckedLength(s.AsSpan(0, s.Length - 2)) : x.Length / (m * m);
        var y = new double[count];
        var a = new double[m * m];
        for (int b = 0; b < count; b++)
        {
            Array.Copy(x, b * m * m, a, 0, m * m);
            y[b] = Determinant(a, m);
        }
        return [Tensor.FromDoubles(xt.DType, y, s[..^2])];
    }

    internal static double Determinant(double[] a, int m)
    {
        double det = 1;
        for (int c = 0; c < m; c++)
        {
            int p = c;
            for (int r = c + 1; r < m; r++)
            {
                if (Math.Abs(a[r * m + c]) > Math.Abs(a[p * m + c]))
                {
                    p = r;
                }
            }
            if (a[p * m + c] == 0)
            {
                return 0;
            }
            if (p != c)
            {
                for (int k = 0; k < m; k++)
                {
                    (a[c * m + k], a[p * m + k]) = (a[p * m + k], a[c * m + k]);
                }
                det = -det;
            }
            double piv = a[c * m + c];
            det *= piv;
            for (int r = c + 1; r < m; r++)
            {
                double f = a[r * m + c] / piv;
                for (int k = c; k < m; k++)
                {
                    a[r * m + k] -= f * a[c * m + k];
                }
            }
        }
        return det;
    }
}
