using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Axon.Training;
using Axon.Training.Data;
using Axon.Training.Distributed;
using Axon.Training.Optim;
using Axon.Training.Trainer;
using Spectre.Console;

namespace Axon.Cli.Commands;

/// <summary>
/// <c>axon train fashion-mnist --model cnn --epochs 5 --precision mixed --cores 2 --checkpoint-dir ckpt/ [--resume]
/// [--json r.json] [--csv log.csv] [--plot curve.png] [--export model.onnx]</c>. Under <c>mpirun</c> every rank trains
/// its shard of each global batch and rank 0 writes checkpoints and reports.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(CliIO io)
    {
        var dataset = new Argument<string>("dataset") { Description = "the data set (fashion-mnist)" };
        var model = new Option<string>("--model") { Description = "cnn | mlp | linear | cnn-bn (BatchNorm + Dropout)", DefaultValueFactory = _ => "cnn" };
        var epochs = new Option<int>("--epochs") { Description = "passes over the training set", DefaultValueFactory = _ => 5 };
        var batch = new Option<int>("--batch-size") { Description = "global batch size", DefaultValueFactory = _ => 64 };
        var lr = new Option<float?>("--lr") { Description = "peak learning rate (default 0.002 for adamw, 0.05 for sgd)" };
        var optimizer = new Option<string>("--optimizer") { Description = "adamw | sgd", DefaultValueFactory = _ => "adamw" };
        var momentum = new Option<float>("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9f };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum (SGD)" };
        var wd = new Option<float>("--weight-decay") { Description = "weight decay", DefaultValueFactory = _ => 1e-4f };
        var schedule = new Option<string>("--schedule") { Description = "cosine | step | constant", DefaultValueFactory = _ => "cosine" };
        var warmup = new Option<int>("--warmup") { Description = "warm-up steps", DefaultValueFactory = _ => 100 };
        var clip = new Option<float>("--clip-norm") { Description = "clip gradients to this global L2 norm (0 = off)" };
        var precision = new Option<string>("--precision") { Description = "fp32 | bf16 | mixed", DefaultValueFactory = _ => "fp32" };
        var rounding = new Option<string>("--rounding") { Description = "nearest | stochastic (every cast to BF16)", DefaultValueFactory = _ => "nearest" };
        var seed = new Option<ulong>("--seed") { Description = "seed for weights, shuffling and stochastic rounding", DefaultValueFactory = _ => 1 };
        var cores = new Option<int>("--cores") { Description = "data-parallel replicas in this process", DefaultValueFactory = _ => 1 };
        var ckptDir = new Option<string?>("--checkpoint-dir") { Description = "folder for checkpoints" };
        var ckptEvery = new Option<int>("--checkpoint-every") { Description = "also checkpoint every N steps (0 = each epoch only)" };
        var resume = new Option<bool>("--resume") { Description = "continue from the newest valid checkpoint in --checkpoint-dir" };
        var deterministic = new Option<bool>("--deterministic") { Description = "bit-reproducible run (always true: replicas are single-threaded and reduce in a fixed order)" };
        var json = new Option<string?>("--json") { Description = "write the result as JSON" };
        var csv = new Option<string?>("--csv") { Description = "write a per-step CSV log" };
        var plot = new Option<string?>("--plot") { Description = "write a PNG loss/accuracy curve" };
        var export = new Option<string?>("--export") { Description = "write the trained model (.onnx; a .axon beside it)" };
        var limit = new Option<int?>("--limit") { Description = "use only the first N training images" };
        var testLimit = new Option<int?>("--test-limit") { Description = "use only the first N test images" };
        var maxSteps = new Option<long>("--max-steps") { Description = "stop after N steps in total" };
        var dataDir = new Option<string>("--data-dir") { Description = "folder with the IDX files", DefaultValueFactory = _ => FashionMnist.DefaultDirectory };
        var quiet = new Option<bool>("--quiet") { Description = "no progress output" };
        var jitWarmup = new Option<double>("--jit-warmup-s")
        {
            Description = "longest warm-up before the epoch clock starts: throw-away steps until .NET has recompiled the hot code (0 = one step)",
            DefaultValueFactory = _ => 3,
        };
        var cmd = new Command("train", "Train a model on a data set (fashion-mnist)")
        {
            dataset, model, epochs, batch, lr, optimizer, momentum, nesterov, wd, schedule, warmup, clip, precision, rounding, seed, cores,
            ckptDir, ckptEvery, resume, deterministic, json, csv, plot, export, limit, testLimit, maxSteps, dataDir, quiet, jitWarmup,
        };
        cmd.SetAction(p =>
        {
            if (p.GetValue(dataset) is not "fashion-mnist")
            {
                throw new UsageException($"unknown data set '{p.GetValue(dataset)}' (available: fashion-mnist)");
            }
            string opt = p.GetValue(optimizer)!;
            var options = new TrainOptions
            {
                Epochs = Positive(p.GetValue(epochs), "--epochs"),
                BatchSize = Positive(p.GetValue(batch), "--batch-size"),
                LearningRate = p.GetValue(lr) ?? (opt == "sgd" ? 0.05f : 0.002f),
                Optimizer = opt,
                Momentum = p.GetValue(momentum),
                Nesterov = p.GetValue(nesterov),
                WeightDecay = p.GetValue(wd),
                Schedule = p.GetValue(schedule)!,
                WarmupSteps = p.GetValue(warmup),
                ClipNorm = p.GetValue(clip),
                Precision = Parse(() => Bf16Rounding.ParsePrecision(p.GetValue(precision)!)),
                Rounding = Parse(() => Bf16Rounding.ParseRounding(p.GetValue(rounding)!)),
                Seed = p.GetValue(seed),
                Cores = Positive(p.GetValue(cores), "--cores"),
                CheckpointDir = p.GetValue(ckptDir),
                CheckpointEvery = p.GetValue(ckptEvery),
                Resume = p.GetValue(resume),
                MaxSteps = p.GetValue(maxSteps),
                ModelName = p.GetValue(model)!,
                WarmupSeconds = NonNegative(p.GetValue(jitWarmup), "--jit-warmup-s"),
            };
            if (options.Resume && options.CheckpointDir is null)
            {
                throw new UsageException("--resume needs --checkpoint-dir");
            }
            if (!FashionModels.Names.Contains(options.ModelName))
            {
                throw new UsageException($"--model must be one of {string.Join(", ", FashionModels.Names)}, not '{options.ModelName}'");
            }
            return Train(io, options, p.GetValue(dataDir)!, p.GetValue(limit), p.GetValue(testLimit), p.GetValue(quiet),
                new Outputs(p.GetValue(json), p.GetValue(csv), p.GetValue(plot), p.GetValue(export)));
        });
        return cmd;
    }

    private sealed record Outputs(string? Json, string? Csv, string? Plot, string? Export);

    private static int Train(CliIO io, TrainOptions options, string dataDir, int? limit, int? testLimit, bool quiet, Outputs outputs)
    {
        var train = FashionMnist.Load(dataDir, train: true, limit);
        var test = FashionMnist.Load(dataDir, train: false, testLimit);
        using var comm = Communicators.Create();
        bool lead = comm.Rank == 0;
        var program = FashionModels.Create(options.ModelName, options.Seed);
        var steps = new List<TrainProgress>();
        using var trainer = new Trainer(program, options, train, test, comm, msg =>
        {
            if (lead && !quiet)
            {
                io.Err.WriteLine(msg);
            }
        });
        if (lead && !quiet)
        {
            io.Err.WriteLine($"training {program.Name} on {train.Count} images ({test.Count} test), batch {options.BatchSize}, " +
                $"{options.Cores} core(s) x {comm.Size} process(es), {options.Precision.ToString().ToLowerInvariant()} precision, {options.Optimizer}");
        }
        TrainResult result;
        bool bar = lead && !quiet && !Console.IsErrorRedirected && ReferenceEquals(io.Err, Console.Error);
        if (bar)
        {
            result = TrainWithProgressBar(trainer, options, steps);
        }
        else
        {
            result = trainer.Run(steps.Add);
        }
        if (!lead)
        {
            return CliHost.Ok;
        }
        io.Out.WriteLine($"test accuracy {result.TestAccuracy.ToString("P2", CultureInfo.InvariantCulture)} after {result.Epochs.Count} epoch(s), {result.Steps} steps");
        if (outputs.Json is { } j)
        {
            WriteJson(j, result);
        }
        if (outputs.Csv is { } c)
        {
            WriteCsv(c, steps);
        }
        if (outputs.Plot is { } png)
        {
            TrainingPlot.Save(png, steps, result.Epochs);
        }
        if (outputs.Export is { } e)
        {
            string axon = ModelExport.Save(trainer.ExportModel(), e);
            io.Err.WriteLine($"exported {e} and {axon}");
        }
        return CliHost.Ok;
    }

    private static TrainResult TrainWithProgressBar(Trainer trainer, TrainOptions options, List<TrainProgress> steps)
    {
        TrainResult? result = null;
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask? task = null;
                int epoch = -1;
                result = trainer.Run(s =>
                {
                    steps.Add(s);
                    if (s.Epoch != epoch)
                    {
                        task?.StopTask();
                        epoch = s.Epoch;
                        task = ctx.AddTask($"epoch {epoch + 1}/{options.Epochs}", maxValue: s.BatchesPerEpoch);
                        task.Value = s.Batch;
                    }
                    task!.Increment(1);
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {epoch + 1}/{options.Epochs} loss {s.Loss:F4} acc {s.Accuracy:P1} {s.SamplesPerSecond:F0} samples/s");
                });
                task?.StopTask();
            });
        return result!;
    }

    private static void WriteJson(string path, TrainResult r)
    {
        using var fs = File.Create(path);
        using var w = new Utf8JsonWriter(fs, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteNumber("test_accuracy", r.TestAccuracy);
        w.WriteNumber("steps", r.Steps);
        w.WriteStartArray("epochs");
        foreach (var e in r.Epochs)
        {
            w.WriteStartObject();
            w.WriteNumber("epoch", e.Epoch);
            w.WriteNumber("loss", e.Loss);
            w.WriteNumber("train_accuracy", e.TrainAccuracy);
            if (double.IsFinite(e.TestAccuracy))
            {
                w.WriteNumber("test_accuracy", e.TestAccuracy);
            }
            w.WriteNumber("samples_per_s", e.SamplesPerSecond);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteCsv(string path, List<TrainProgress> steps)
    {
        using var w = new StreamWriter(path);
        w.WriteLine("step,epoch,batch,loss,epoch_loss,epoch_accuracy,lr,samples_per_s");
        foreach (var s in steps)
        {
            w.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Step},{s.Epoch + 1},{s.Batch},{s.BatchLoss:R},{s.Loss:R},{s.Accuracy:R},{s.LearningRate:R},{s.SamplesPerSecond:F1}"));
        }
    }

    private static int Positive(int v, string name) => v >= 1 ? v : throw new UsageException($"{name} must be at least 1, got {v}");

    private static double NonNegative(double v, string name) => v >= 0 ? v : throw new UsageException($"{name} must be 0 or more, got {v}");

    private static T Parse<T>(Func<T> f)
    {
        try
        {
            return f();
        }
        catch (AxonInputException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
