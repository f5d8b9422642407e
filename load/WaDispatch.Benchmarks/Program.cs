using System.Globalization;
using BenchmarkDotNet.Running;
using WaDispatch.Benchmarks;

if (args is ["recipients-memory", ..])
{
    return await RecipientMemoryRun.RunAsync(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1_000_000);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
