using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Serialization;
using Orleans.Storage;
using WaDispatch.Grains;
using WaDispatch.CloudApi.Upstream;
using WaDispatch.Grains.Budgets;
using WaDispatch.Grains.Lanes;
using WaDispatch.Grains.Messages;
using WaDispatch.Grains.Recipients;
using WaDispatch.Grains.Templates;
using WaDispatch.Silo.Api;
using WaDispatch.Silo.Console;
using WaDispatch.Silo.FrontDoor;
using WaDispatch.Silo.Grpc;
using WaDispatch.Silo.Operations;
using WaDispatch.Grains.Webhooks;
using WaDispatch.Simulator;
using WaDispatch.Storage;

namespace WaDispatch.Silo;

/// <summary>Builds the silo: storage, grain runtime and HTTP endpoints, configured from the usual sources.</summary>
public static class SiloApplication
{
    /// <summary>Where the silo listens when neither <c>--urls</c>, <c>ASPNETCORE_URLS</c> nor Kestrel settings say otherwise.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>Where the built-in Cloud API simulator is mounted (setting <c>Simulator:Enabled</c>, default true).</summary>
    public const string SimulatorPath = "/simulator";

    /// <summary>Creates the silo application from command-line <paramref name="args"/>.</summary>
    /// <param name="args">Command-line arguments (settings as <c>--Section:Setting value</c>).</param>
    /// <param name="configure">Last changes to the builder before the silo is built (tests add log capture with it).</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Settings come from next to the silo's binaries (appsettings.json), wherever it is started from;
        // relative paths such as the SQLite file's stay relative to the working directory.
        var builder = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            ? WebApplication.CreateBuilder(args)
            : WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var grpc = builder.AddGrpcFrontDoor();
        var listens = HasListenSettings(builder.Configuration);
        var urls = listens ? Urls(builder.Configuration) : [DefaultUrl];
        // Mutual TLS on the webhooks' port whatever names the endpoints (Kestrel:Endpoints included).
        var mutualTls = WebhookMutualTls.Configure(builder, urls.FirstOrDefault());
        if (urls is [var first, ..])
        {
            // The gRPC port and the webhooks' mutual-TLS port beside the HTTP addresses given (Kestrel:Endpoints, when
            // used, name every endpoint themselves).
            List<string> beside = [];
            if (grpc.Enabled)
            {
                beside.Add(GrpcFrontDoor.UrlBeside(first, grpc.Port));
            }

            if (mutualTls is not null)
            {
                beside.Add(mutualTls);
            }

            if (!listens || beside.Count > 0)
            {
                builder.WebHost.UseUrls([.. urls, .. beside]);
            }
        }

        if (listens && OwnAddress(builder.Configuration) is { } own)
        {
            // The zero-configuration upstream is this silo's own simulator: when the silo listens elsewhere than the
            // default, the simulator's address and its webhooks' target follow, unless they were set otherwise.
            FollowOwnAddress(builder.Configuration, "CloudApi:BaseAddress", DefaultUrl + SimulatorPath + "/", own + SimulatorPath + "/");
            FollowOwnAddress(builder.Configuration, "Simulator:WebhookUrl", DefaultUrl + "/webhooks/whatsapp", own + "/webhooks/whatsapp");
        }

        // Storage first: its hosted service migrates the schema (Orleans' grain-storage tables and queries included)
        // before the silo and the server start.
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        builder.Services.AddWaDispatchStorage();

        // Then the silo, then the workers that call grains (webhooks, callbacks, template sync): hosted services start in
        // this order and stop in the reverse, so nothing calls a grain before the silo is up or after it went down.
        UseOrleans(builder);
        builder.Services.AddOptions<LaneOptions>().BindConfiguration(LaneOptions.SectionName);
        builder.Services.AddOptions<BudgetOptions>().BindConfiguration(BudgetOptions.SectionName);
        builder.Services.AddOptions<RecipientOptions>().BindConfiguration(RecipientOptions.SectionName);
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName);
        builder.Services.AddOptions<TemplateOptions>().BindConfiguration(TemplateOptions.SectionName);
        builder.Services.AddOptions<MessageOptions>().BindConfiguration(MessageOptions.SectionName);
        builder.Services.AddOptions<CallbackOptions>().BindConfiguration(CallbackOptions.SectionName);
        builder.Services.AddOptions<CloudApiOptions>().BindConfiguration(CloudApiOptions.SectionName);
        builder.Services.AddCloudApiClient();
        builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName);
        builder.Services.AddCloudApiSimulator();
        builder.Services.AddReadiness();
        builder.AddTelemetry();
        builder.Services.AddConsole();
        builder.Services.AddFrontDoor();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = builder.Configuration.GetValue(ApiOptions.SectionName + ":" + nameof(ApiOptions.MaxRequestBytes), new ApiOptions().MaxRequestBytes);
            // A bound that is not positive is left to the options validation, which names the setting.
            var maxConnections = builder.Configuration.GetValue(ApiOptions.SectionName + ":" + nameof(ApiOptions.MaxConnections), new ApiOptions().MaxConnections);
            kestrel.Limits.MaxConcurrentConnections = maxConnections > 0 ? maxConnections : null;
        });

        builder.Services.AddDrain();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseFrontDoor();
        app.Lifetime.ApplicationStarted.Register(() => LogStartup(app));
        app.MapHealth();
        app.MapPhoneNumbersApi();
        app.MapBusinessesApi();
        app.MapWabasApi();
        app.MapWhatsAppWebhooks();
        app.MapTemplatesApi();
        app.MapMessagesApi();
        app.MapCampaignsApi();
        app.MapEventsApi();
        app.MapOpenApiDocument();
        app.MapGrpcFrontDoor();
        app.MapConsole();
        if (app.Services.GetRequiredService<IOptions<DashboardSettings>>().Value is { Enabled: true } dashboard)
        {
            app.MapOrleansDashboard(dashboard.Path);
        }
        if (app.Configuration.GetValue("Simulator:Enabled", defaultValue: true))
        {
            // The zero-configuration upstream: Meta's surface, served by the silo itself.
            app.MapGroup(SimulatorPath).MapCloudApiSimulator();
        }

        return app;
    }

    /// <summary>
    /// Co-hosts the Orleans silo: one node on localhost clustering by default (ports <c>Orleans:SiloPort</c> and
    /// <c>Orleans:GatewayPort</c>), grain state through Orleans' ADO.NET provider in the same database as the ledger,
    /// serialized as JSON an operator can read, reminders in memory.
    /// </summary>
    private static void UseOrleans(WebApplicationBuilder builder)
    {
        var orleans = builder.Configuration.GetSection(OrleansOptions.SectionName).Get<OrleansOptions>() ?? new OrleansOptions();

        // Checked here, where they are read: Orleans' own checks would otherwise fail first, without naming the setting.
        if (new OrleansOptionsValidator().Validate(null, orleans) is { Failed: true } invalid)
        {
            throw new OptionsValidationException(OrleansOptions.SectionName, typeof(OrleansOptions), invalid.Failures);
        }

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (orleans.Membership == OrleansClustering.AdoNet && storage.Provider != StorageProvider.PostgreSql)
        {
            throw new OptionsValidationException(OrleansOptions.SectionName, typeof(OrleansOptions),
                [$"Orleans:Membership is AdoNet; it needs Storage:Provider PostgreSql (it is {storage.Provider}): the silos of a cluster share that database."]);
        }

        var dashboard = builder.Configuration.GetSection(DashboardSettings.SectionName).Get<DashboardSettings>() ?? new DashboardSettings();
        if (dashboard.Check() is [_, ..] wrong)
        {
            throw new OptionsValidationException(DashboardSettings.SectionName, typeof(DashboardSettings), wrong);
        }

        builder.Services.AddOptions<DashboardSettings>().BindConfiguration(DashboardSettings.SectionName);
        builder.Services.AddOptions<OrleansOptions>().BindConfiguration(OrleansOptions.SectionName);
        builder.UseOrleans(silo =>
        {
            silo.AddWaDispatch();
            if (dashboard.Enabled)
            {
                // Grains, silos and calls, served by the silo at Dashboard:Path (behind the API keys, see FrontDoor).
                silo.AddDashboard();
            }

            if (orleans.Membership == OrleansClustering.Localhost)
            {
                silo.UseLocalhostClustering(orleans.SiloPort, orleans.GatewayPort, serviceId: orleans.ServiceId, clusterId: orleans.ClusterId);
                silo.UseInMemoryReminderService();
                return;
            }

            // A cluster: every silo listens on all addresses and publishes the one others reach it at.
            silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = orleans.ClusterId;
                cluster.ServiceId = orleans.ServiceId;
            });
            silo.ConfigureEndpoints(AdvertisedAddress(orleans), orleans.SiloPort, orleans.GatewayPort, listenOnAnyHostAddress: true);
            silo.Configure<ClusterMembershipOptions>(membership => membership.ProbeTimeout = orleans.ProbeTimeout);
            silo.UseAdoNetClustering(options => options.Configure<StorageDatabase>((o, database) =>
            {
                o.Invariant = "Npgsql";
                o.DataSource = database.DataSource;
            }));
            silo.UseAdoNetReminderService(options => options.Configure<StorageDatabase>((o, database) =>
            {
                o.Invariant = "Npgsql";
                o.DataSource = database.DataSource;
            }));
        });
    }

    /// <summary>The address this silo publishes: the setting, else the host's first IPv4 address that is not loopback.</summary>
    private static IPAddress AdvertisedAddress(OrleansOptions orleans) =>
        orleans.AdvertisedAddress is { } configured ? IPAddress.Parse(configured)
        : Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)) ?? IPAddress.Loopback;

    /// <summary>Says at start-up what a newcomer must know: whether anything reaches WhatsApp, and whether the API is open.</summary>
    private static void LogStartup(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SiloApplication).FullName!);
        var upstream = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CloudApiOptions>>().Value.BaseAddress;
        if (upstream is not null && upstream.AbsolutePath.TrimEnd('/').EndsWith(SimulatorPath, StringComparison.Ordinal) && app.Configuration.GetValue("Simulator:Enabled", defaultValue: true))
        {
            FrontDoorLog.Simulated(logger, upstream);
        }
        else if (upstream is not null)
        {
            FrontDoorLog.Upstream(logger, upstream);
        }

        var keys = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ApiOptions>>().Value.Keys;
        if (keys.Count == 0)
        {
            FrontDoorLog.NoApiKeys(logger);
        }
        else
        {
            var names = string.Join(", ", keys.Keys.Order(StringComparer.Ordinal));
            FrontDoorLog.ApiKeys(logger, names);
        }
    }

    /// <summary>
    /// The silo's own address from <c>--urls</c> (or <c>ASPNETCORE_URLS</c>) or <c>HTTP_PORTS</c>: the first plain-HTTP
    /// one with a port, any-host forms (<c>*</c>, <c>+</c>, <c>0.0.0.0</c>, <c>[::]</c>) as <c>localhost</c>; null when
    /// there is none (a port chosen by the system is known only once listening).
    /// </summary>
    private static string? OwnAddress(ConfigurationManager configuration)
    {
        if (configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports && int.TryParse(ports.Split(';', ',')[0], System.Globalization.CultureInfo.InvariantCulture, out var port) && port > 0)
        {
            return $"http://localhost:{port}";
        }

        foreach (var url in (configuration[WebHostDefaults.ServerUrlsKey] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var any = url.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal);
            if (Uri.TryCreate(any, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.Port > 0)
            {
                return uri.GetLeftPart(UriPartial.Authority);
            }
        }

        return null;
    }

    /// <summary>The addresses of <c>--urls</c> (or <c>ASPNETCORE_URLS</c>), else of <c>HTTP_PORTS</c> and <c>HTTPS_PORTS</c>; none when Kestrel's endpoints are configured.</summary>
    private static List<string> Urls(ConfigurationManager configuration)
    {
        if (configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            return [];
        }

        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            return [.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        }

        static IEnumerable<string> Ports(string? ports, string scheme) =>
            (ports ?? string.Empty).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"{scheme}://*:{p}");
        return [.. Ports(configuration[WebHostDefaults.HttpPortsKey], "http"), .. Ports(configuration[WebHostDefaults.HttpsPortsKey], "https")];
    }

    private static void FollowOwnAddress(ConfigurationManager configuration, string key, string defaultValue, string own)
    {
        if (string.Equals(configuration[key], defaultValue, StringComparison.Ordinal))
        {
            configuration[key] = own;
        }
    }

    private static bool HasListenSettings(ConfigurationManager configuration) =>
        !string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpPortsKey])
        || !string.IsNullOrEmpty(configuration[WebHostDefaults.HttpsPortsKey])
        || configuration.GetSection("Kestrel:Endpoints").Exists();
}
