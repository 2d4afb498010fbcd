namespace Axon.Targets.Calibration;

/// <summary>
/// Fits a device generation's two or three efficiency factors to the catalog rows marked "calibration" (coordinate
/// search minimizing the mean |log(projected / published)|). Run by `axon project --calibrate`; the results are
/// written into devices.json by hand, so projections never depend on a fit done at run time.
/// </summary>
public static class Calibrator
{
    public static CalibrationSpec Fit(TargetCatalog catalog, string deviceId)
    {
        var rows = catalog.Benchmarks.Where(r => r.Role == "calibration" && catalog.DeviceOf(catalog.Instance(r.Instance)).Id == deviceId).ToList();
        var d0 = catalog.Device(deviceId);
        if (rows.Count == 0)
        {
            return d0.Calibration;
        }
        bool neuron = d0.IsNeuron;
        var grids = neuron
            ? new[] { Range(0.10, 1.0, 0.01), Range(0, 40, 0.5), Range(0, 3000, 25) }
            : new[] { Range(0.10, 1.0, 0.01), Range(0.3, 1.0, 0.01), Range(0, 30, 0.25) };
        double[] p = neuron
            ? [d0.Calibration.TensorEfficiency, d0.Calibration.NodeOverheadUs, d0.Calibration.InferenceOverheadUs]
            : [d0.Calibration.ComputeEfficiency, d0.Calibration.MemoryEfficiency, d0.Calibration.LaunchOverheadUs];
        CalibrationSpec Spec(double[] x) => neuron
            ? d0.Calibration with { TensorEfficiency = x[0], NodeOverheadUs = x[1], InferenceOverheadUs = x[2] }
            : d0.Calibration with { ComputeEfficiency = x[0], MemoryEfficiency = x[1], LaunchOverheadUs = x[2] };
        double Loss(double[] x)
        {
            var spec = Spec(x);
            return rows.Average(r =>
            {
                var c = BenchmarkSuite.Check(catalog, r, d => d with { Calibration = spec });
                return Math.Abs(Math.Log(Math.Max(1e-9, c.Projected) / r.Value));
            });
        }
        double best = Loss(p);
        for (int round = 0; round < 4; round++)
        {
            for (int k = 0; k < p.Length; k++)
            {
                foreach (double v in grids[k])
                {
                    var trial = (double[])p.Clone();
                    trial[k] = v;
                    double l = Loss(trial);
                    if (l < best - 1e-12)
                    {
                        best = l;
                        p = trial;
                    }
                }
            }
        }
        return Spec(p);
    }

    private static double[] Range(double from, double to, double step) =>
        Enumerable.Range(0, (int)Math.Round((to - from) / step) + 1).Select(i => from + i * step).ToArray();
}
