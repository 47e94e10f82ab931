// Training-loop benchmark: a dense autoencoder 20-64-8-64-20 (ReLU, linear bottleneck and output), MSE, Adam
// lr 1e-3, 100,000 random rows x 20 in memory, one epoch per measurement, rows per second. Variants run interleaved
// in one process (round after round) and the table gives medians; variant m is the module's own training path
// (AnomalyModel.Train). PyTorch eager figures come from
// benchmarks/training_reference.py when a python3 with torch is found.
//
// Build and run (Linux; the native library needs the same adaptation as the tests on Debian 12):
//   dotnet build benchmarks/PSAnomalyAE.Bench -c Release -r linux-x64 --self-contained false -o out/bench
//   pwsh -c '. ./tools/LibTorchSharpCompat.ps1; Repair-LibTorchSharp -Folder out/bench'
//   dotnet out/bench/PSAnomalyAE.Bench.dll [--rounds 3] [--threads 1,2] [--batch 256,1024] [--variants a,c2,m] [--no-busy] [--no-python]
// (--variants: the variants to run, by the code before their name; default all.)
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PSAnomalyAE.Engine;
using PSAnomalyAE.Engine.Configuration;
using PSAnomalyAE.Engine.Training;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

internal static class Program
{
    private const int Rows = 100_000;
    private const int Width = 20;

    private sealed record Variant(string Name, bool Flat, bool DeviceLoss, bool IndexOnDevice, bool Gc);

    private static Variant[] Variants =
    {
        new("a  torch.optim.Adam, host index + item() per step, GC/100", false, false, false, true),
        new("a2 torch.optim.Adam, randperm index, item()/epoch, GC/100", false, true, true, true),
        new("b  FlatAdam, host index + item() per step, GC/100", true, false, false, true),
        new("c1 FlatAdam, host index, item()/epoch, GC/100", true, true, false, true),
        new("c2 FlatAdam, randperm index, item()/epoch, GC/100", true, true, true, true),
        new("c3 FlatAdam, randperm index, item()/epoch, no GC", true, true, true, false),
    };

    private static int Main(string[] args)
    {
        int rounds = IntArg(args, "--rounds", 3);
        int[] threads = ListArg(args, "--threads", new[] { 1, 2 });
        int[] batches = ListArg(args, "--batch", new[] { 256, 1024 });
        int vi = Array.IndexOf(args, "--variants");
        string[] chosen = vi >= 0 && vi + 1 < args.Length ? args[vi + 1].Split(',') : Variants.Select(v => Code(v.Name)).Append("m").ToArray();
        Variants = Variants.Where(v => chosen.Contains(Code(v.Name))).ToArray();
        bool runModule = chosen.Contains("m");
        TorchRuntime.EnsureLoaded();
        Console.WriteLine($"libtorch {torch.__version__}, {Environment.ProcessorCount} logical CPUs, {Rows} rows x {Width}, {rounds} interleaved rounds, 1 epoch per measurement; medians (rows/s)");

        random.manual_seed(1);
        using Tensor x = randn(Rows, Width);
        double[] rows = x.data<float>().ToArray().Select(v => (double)v).ToArray();
        var results = new Dictionary<(string, int, int), List<double>>();
        for (int r = 0; r < rounds; r++)
        {
            foreach (int b in batches)
            {
                foreach (int t in threads)
                {
                    torch.set_num_threads(t);
                    foreach (Variant v in Variants)
                    {
                        double rate = Epoch(x, v, b);
                        Add(results, (v.Name, t, b), rate);
                        Console.Error.WriteLine($"round {r + 1} batch {b} threads {t} {v.Name}: {rate:F0}");
                    }

                    if (runModule)
                    {
                        double module = ModuleEpoch(rows, b, t);
                        Add(results, (ModuleName, t, b), module);
                        Console.Error.WriteLine($"round {r + 1} batch {b} threads {t} {ModuleName}: {module:F0}");
                    }
                }
            }
        }

        Dictionary<(int, int), double> py = args.Contains("--no-python") ? new() : RunPython(threads, batches);
        Console.WriteLine();
        Console.WriteLine("| variant | batch | threads | rows/s (median) | vs the first variant | vs PyTorch 1.13 eager |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (int b in batches)
        {
            foreach (int t in threads)
            {
                double baseline = Variants.Length > 0 ? Median(results[(Variants[0].Name, t, b)]) : double.NaN;
                foreach (string name in Variants.Select(v => v.Name).Concat(runModule ? new[] { ModuleName } : Array.Empty<string>()))
                {
                    double m = Median(results[(name, t, b)]);
                    string vsPy = py.TryGetValue((t, b), out double p) ? $"{m / p:F2}" : "n/a";
                    Console.WriteLine($"| {name} | {b} | {t} | {m:F0} | {m / baseline:F2} | {vsPy} |");
                }

                if (py.TryGetValue((t, b), out double pr))
                {
                    Console.WriteLine($"| PyTorch eager (training_reference.py) | {b} | {t} | {pr:F0} | {pr / baseline:F2} | 1.00 |");
                }
            }
        }

        if (!args.Contains("--no-busy"))
        {
            Busy(x, rows, rounds, batches, runModule);
        }

        return 0;
    }

    private static string Code(string name) => name.Split(' ')[0];

    private const string ModuleName = "m  module: AnomalyModel.Train (Trainer), 2nd epoch";

    // The module's own training path on the same rows and network (HiddenSize 64, LatentSize 8, nothing held out);
    // the second of two epochs is timed (the first includes the one-off setup).
    private static double ModuleEpoch(double[] rows, int batch, int threads)
    {
        var spec = new ModelSpec { HiddenSize = new[] { 64 }, LatentSize = 8, Epochs = 2, Patience = 0, BatchSize = batch, ValidationFraction = 0, Seed = 2, ThreadCount = threads };
        using var model = new AnomalyModel(spec);
        model.Train(Enumerable.Range(0, Width).Select(i => $"f{i}").ToArray(), rows, Rows);
        return model.Training!.TrainRows / model.History[1].Seconds;
    }

    // One epoch of one variant on a fresh network (after 20 untimed warm-up steps); rows per second.
    private static double Epoch(Tensor x, Variant v, int batch)
    {
        random.manual_seed(2);
        using var net = Sequential(
            ("0", Linear(Width, 64)), ("1", ReLU()), ("2", Linear(64, 8)),
            ("3", Linear(8, 64)), ("4", ReLU()), ("5", Linear(64, Width)));
        using var torchAdam = v.Flat ? null : optim.Adam(net.parameters(), 1e-3);
        using var flat = v.Flat ? new FlatAdam(net, 1e-3) : null;
        var rng = new Random(3);
        long[] perm = Enumerable.Range(0, Rows).Select(i => (long)i).ToArray();

        void Step(Tensor idx, Tensor? sum, ref double hostSum)
        {
            using var scope = NewDisposeScope();
            Tensor xb = x.index_select(0, idx);
            if (flat is not null)
            {
                flat.ZeroGrad();
            }
            else
            {
                torchAdam!.zero_grad();
            }

            Tensor loss = functional.mse_loss(net.forward(xb), xb);
            loss.backward();
            if (flat is not null)
            {
                flat.Step();
            }
            else
            {
                torchAdam!.step();
            }

            if (sum is not null)
            {
                using (no_grad())
                {
                    sum.add_(loss.detach());
                }
            }
            else
            {
                hostSum += loss.item<float>();
            }
        }

        double warm = 0;
        for (int s = 0; s < 20; s++)
        {
            using Tensor idx = torch.arange(s * batch, (s + 1) * batch, dtype: ScalarType.Int64);
            Step(idx, null, ref warm);
        }

        GC.Collect();
        var clock = Stopwatch.StartNew();
        double hostTotal = 0;
        using Tensor deviceTotal = zeros(1);
        long steps = 0;
        Tensor? permTensor = null;
        if (v.IndexOnDevice)
        {
            permTensor = randperm(Rows);
        }
        else
        {
            rng.Shuffle(perm);
        }

        for (int start = 0; start < Rows; start += batch)
        {
            int len = Math.Min(batch, Rows - start);
            using Tensor idx = v.IndexOnDevice ? permTensor!.narrow(0, start, len) : torch.tensor(perm.AsSpan(start, len).ToArray());
            Step(idx, v.DeviceLoss ? deviceTotal : null, ref hostTotal);
            if (v.Gc && ++steps % 100 == 0)
            {
                GC.Collect();
            }
        }

        if (v.DeviceLoss)
        {
            hostTotal = deviceTotal.item<float>();
        }

        double seconds = clock.Elapsed.TotalSeconds;
        permTensor?.Dispose();
        if (!double.IsFinite(hostTotal))
        {
            throw new InvalidOperationException($"{v.Name}: the loss is not finite.");
        }

        return Rows / seconds;
    }

    // 1 against 2 intra-op threads while two CPU burners (bounded to 900 s, ended when done) keep both cores busy.
    private static void Busy(Tensor x, double[] rows, int rounds, int[] batches, bool runModule)
    {
        string? py = FindPython(needTorch: false);
        if (py is null)
        {
            Console.WriteLine("\nBusy-machine measurement skipped: no python3 for the CPU burners.");
            return;
        }

        var burners = Enumerable.Range(0, 2).Select(_ => Process.Start(new ProcessStartInfo("timeout", $"900 {py} -c \"while True: pass\"") { UseShellExecute = false })!).ToList();
        try
        {
            Thread.Sleep(500);
            Variant[] vs = Variants.Where(v => Code(v.Name) is "a" or "c3").ToArray();
            var res = new Dictionary<(string, int, int), List<double>>();
            for (int r = 0; r < rounds; r++)
            {
                foreach (int b in batches)
                {
                    foreach (int t in new[] { 1, 2 })
                    {
                        torch.set_num_threads(t);
                        foreach (Variant v in vs)
                        {
                            Add(res, (v.Name, t, b), Epoch(x, v, b));
                        }

                        if (runModule)
                        {
                            Add(res, (ModuleName, t, b), ModuleEpoch(rows, b, t));
                        }
                    }
                }
            }

            Console.WriteLine("\nWith two CPU burners running (both cores busy):");
            Console.WriteLine("| variant | batch | 1 thread rows/s | 2 threads rows/s | 2 / 1 |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (int b in batches)
            {
                foreach (string name in vs.Select(v => v.Name).Concat(runModule ? new[] { ModuleName } : Array.Empty<string>()))
                {
                    double one = Median(res[(name, 1, b)]), two = Median(res[(name, 2, b)]);
                    Console.WriteLine($"| {name} | {b} | {one:F0} | {two:F0} | {two / one:F2} |");
                }
            }
        }
        finally
        {
            foreach (Process p in burners)
            {
                try
                {
                    p.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // already ended
                }

                p.Dispose();
            }
        }
    }

    private static Dictionary<(int, int), double> RunPython(int[] threads, int[] batches)
    {
        var result = new Dictionary<(int, int), double>();
        string? py = FindPython(needTorch: true);
        string script = Path.Combine(FindRepo(), "benchmarks", "training_reference.py");
        if (py is null || !File.Exists(script))
        {
            Console.WriteLine("\nPyTorch reference skipped: no python3 with torch (or no benchmarks/training_reference.py).");
            return result;
        }

        var psi = new ProcessStartInfo(py) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { script, "--epochs", "3", "--threads" }.Concat(threads.Select(t => t.ToString(CultureInfo.InvariantCulture)))
                     .Append("--batch").Concat(batches.Select(b => b.ToString(CultureInfo.InvariantCulture))))
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            using JsonDocument d = JsonDocument.Parse(line);
            var root = d.RootElement;
            result[(root.GetProperty("threads").GetInt32(), root.GetProperty("batch").GetInt32())] = root.GetProperty("median").GetDouble();
            Console.Error.WriteLine($"python: {line}");
        }

        p.WaitForExit();
        return result;
    }

    private static string? FindPython(bool needTorch)
    {
        foreach (string candidate in new[] { "python3", "/usr/bin/python3" })
        {
            try
            {
                var psi = new ProcessStartInfo(candidate, needTorch ? "-c \"import torch\"" : "-c \"pass\"") { UseShellExecute = false, RedirectStandardError = true };
                using Process p = Process.Start(psi)!;
                p.StandardError.ReadToEnd();
                p.WaitForExit();
                if (p.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // not installed
            }
        }

        return null;
    }

    private static string FindRepo()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "benchmarks", "training_reference.py")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private static void Add(Dictionary<(string, int, int), List<double>> d, (string, int, int) key, double v)
    {
        if (!d.TryGetValue(key, out var list))
        {
            d[key] = list = new List<double>();
        }

        list.Add(v);
    }

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(a => a).ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static int[] ListArg(string[] args, string name, int[] fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : fallback;
    }
}
