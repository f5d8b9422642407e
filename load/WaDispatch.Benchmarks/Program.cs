using System.Globalization;
using BenchmarkDotNet.Running;
using WaDispatch.Benchmarks;

if (args is ["recipients-memory", ..])
{
    return await RecipientMemoryRun.RunAsync(
        args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 600_000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
