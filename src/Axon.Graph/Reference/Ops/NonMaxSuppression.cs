namespace Axon.Graph.Reference.Ops;

/// <summary>
/// Greedy per-(batch, class) non-max suppression: boxes are taken in descending score order (ties keep the lower
/// index first), skipping those with score ≤ score_threshold or IoU &gt; iou_threshold with an already kept box, up to
/// max_output_boxes_per_class. Output rows are [batch, class, box].
/// </summary>
[Op("NonMaxSuppression")]
internal sealed class NonMaxSuppression : IReferenceOp
{
    public IValue?[] Run(OpContext ctx)
    {
        var boxes = ctx.Input(0);
        var scores = ctx.Input(1);
        if (boxes.Rank != 3 || boxes.Shape[2] != 4 || scores.Rank != 3 || scores.Shape[0] != boxes.Shape[0] || scores.Shape[2] != boxes.Shape[1])
        {
            throw ctx.Error($"boxes {boxes} and scores {scores} must be [B, N, 4] and [B, C, N]");
        }
        long maxOut = ctx.HasInput(2) && ctx.Input(2).Length > 0 ? ctx.Input(2).ToInt64s()[0] : 0;
        double iouThreshold = ctx.HasInput(3) && ctx.Input(3).Length > 0 ? ctx.Input(3).ToDoubles()[0] : 0;
        double? scoreThreshold = ctx.HasInput(4) && ctx.Input(4).Length > 0 ? ctx.Input(4).ToDoubles()[0] : null;
        bool center = ctx.Int("center_point_box", 0) != 0;
        int nb = boxes.Shape[0], nc = scores.Shape[1], n = boxes.Shape[1];
        var bx = boxes.ToDoubles();
        var sc = scores.ToDoubles();
        var selected = new List<long>();
        for (int b = 0; b < nb; b++)
        {
            var corners = new (double Y1, double X1, double Y2, double X2)[n];
            for (int i = 0; i < n; i++)
            {
                int o = (b * n + i) * 4;
                corners[i] = center
                    ? (bx[o + 1] - bx[o + 3] / 2, bx[o] - bx[o + 2] / 2, bx[o + 1] + bx[o + 3] / 2, bx[o] + bx[o + 2] / 2)
                    : (Math.Min(bx[o], bx[o + 2]), Math.Min(bx[o + 1], bx[o + 3]), Math.Max(bx[o], bx[o + 2]), Math.Max(bx[o + 1], bx[o + 3]));
            }
            for (int c = 0; c < nc; c++)
            {
                int so = (b * nc + c) * n;
                var order = Enumerable.Range(0, n)
                    .Where(i => scoreThreshold is null || sc[so + i] > scoreThreshold)
                    .OrderByDescending(i => sc[so + i]).ThenBy(i => i).ToList();
                var kept = new List<int>();
                foreach (int i in order)
                {
                    if (kept.Count >= maxOut)
                    {
                        break;
                    }
                    if (kept.All(k => IoU(corners[i], corners[k]) <= iouThreshold))
                    {
                        kept.Add(i);
                        selected.AddRange([b, c, i]);
                    }
                }
            }
        }
        return [Tensor.FromArray(selected.ToArray(), selected.Count / 3, 3)];
    }

    private static double IoU((double Y1, double X1, double Y2, double X2) a, (double Y1, double X1, double Y2, double X2) b)
    {
        double ih = Math.Min(a.Y2, b.Y2) - Math.Max(a.Y1, b.Y1);
        double iw = Math.Min(a.X2, b.X2) - Math.Max(a.X1, b.X1);
        if (ih <= 0 || iw <= 0)
        {
            return 0;
        }
        double inter = ih * iw;
        double union = (a.Y2 - a.Y1) * (a.X2 - a.X1) + (b.Y2 - b.Y1) * (b.X2 - b.X1) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
