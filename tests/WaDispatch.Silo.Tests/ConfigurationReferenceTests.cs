using System.Reflection;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Silo.FrontDoor;
using WaDispatch.Silo.Grpc;
using WaDispatch.Silo.Operations;
using WaDispatch.Simulator;
using WaDispatch.Storage;
using Xunit;

namespace WaDispatch.Silo.Tests;

/// <summary>docs/configuration.md against the settings the silo binds: none missing.</summary>
public sealed class ConfigurationReferenceTests
{
    /// <summary>Every options type the silo binds, with its section.</summary>
    public static readonly IReadOnlyList<Type> OptionsTypes =
    [
        typeof(StorageOptions), typeof(OrleansOptions), typeof(CloudApiOptions), typeof(LaneOptions), typeof(BudgetOptions),
        typeof(RecipientOptions), typeof(TemplateOptions), typeof(MessageOptions), typeof(CallbackOptions), typeof(WebhookOptions),
        typeof(ApiOptions), typeof(GrpcOptions), typeof(OperationsOptions), typeof(DashboardSettings), typeof(SimulatorOptions),
    ];

    /// <summary>Settings the silo reads directly rather than through an options type (<c>SiloApplication</c>).</summary>
    public static readonly IReadOnlyList<string> ReadDirectly = ["Simulator:Enabled"];

    /// <summary>Every setting as <c>Section:Setting</c>.</summary>
    public static IEnumerable<string> Keys() =>
        OptionsTypes.SelectMany(type =>
        {
            var section = (string)type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null).Select(p => $"{section}:{p.Name}");
        }).Concat(ReadDirectly);

    /// <summary>The repository's root: the folder holding WaDispatch.sln.</summary>
    public static DirectoryInfo Root()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "WaDispatch.sln")))
        {
            folder = folder.Parent;
        }

        return folder ?? throw new DirectoryNotFoundException("WaDispatch.sln not found above the test's folder.");
    }

    [Fact]
    public void EverySetting_IsInTheConfigurationReference()
    {
        var reference = File.ReadAllText(Path.Combine(Root().FullName, "docs", "configuration.md"));

        var missing = Keys().Where(key => !reference.Contains($"`{key}", StringComparison.Ordinal)).ToList();

        Assert.True(Keys().Count() > 50, "the reflection found the settings");
        Assert.Empty(missing);
    }
}
