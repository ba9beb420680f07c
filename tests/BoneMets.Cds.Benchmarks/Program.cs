using BenchmarkDotNet.Running;
using BoneMets.Cds.Benchmarks.Workload;

namespace BoneMets.Cds.Benchmarks;

/// <summary>
/// <c>--write-payloads &lt;dir&gt;</c> writes <c>small.json</c>, <c>typical.json</c> and <c>large.json</c> (the
/// <c>patient-view</c> request bodies) for the load test; any other arguments go to BenchmarkDotNet's switcher
/// (for example <c>--filter '*'</c>, <c>--filter '*HotPath*' --job short</c>, <c>--list flat</c>); reports are
/// written to <c>artifacts/benchmarks/results/</c> under the repository root unless <c>--artifacts</c> is given.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == "--write-payloads")
        {
            if (args.Length != 2)
            {
                Console.Error.WriteLine("usage: --write-payloads <dir>");
                return 2;
            }

            return WritePayloads(args[1]);
        }

        // Reports go to <repo>/artifacts/benchmarks (git-ignored) unless --artifacts says otherwise.
        if (!args.Contains("--artifacts", StringComparer.Ordinal))
        {
            args = [.. args, "--artifacts", Path.Combine(HookPayloads.FindRepositoryRoot(), "artifacts", "benchmarks")];
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static int WritePayloads(string directory)
    {
        Directory.CreateDirectory(directory);
        foreach (var payload in HookPayloads.BuildAll(HookPayloads.FindRepositoryRoot()))
        {
            var path = Path.GetFullPath(Path.Combine(directory, payload.Name + ".json"));
            File.WriteAllBytes(path, payload.Json);
            Console.WriteLine($"{payload.Name}: {payload.ResourceCount} resources, {payload.Json.Length} bytes -> {path}");
        }

        return 0;
    }
}
