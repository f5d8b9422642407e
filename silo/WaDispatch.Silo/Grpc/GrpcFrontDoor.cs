using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using WaDispatch.Grpc.V1;

namespace WaDispatch.Silo.Grpc;

/// <summary>
/// The gRPC front door beside HTTP on the same Kestrel (Grpc.AspNetCore): <c>wadispatch.v1.Dispatcher</c>, gRPC health
/// checking (the readiness checks) and server reflection, on a cleartext HTTP/2 port of its own (<see cref="GrpcOptions.Port"/>):
/// without TLS a port cannot tell HTTP/1.1 from HTTP/2 by negotiation, so the JSON API keeps its port and gRPC gets one.
/// </summary>
internal static class GrpcFrontDoor
{
    /// <summary>Reads and checks the settings, registers the services and makes the gRPC port HTTP/2.</summary>
    public static GrpcOptions AddGrpcFrontDoor(this WebApplicationBuilder builder)
    {
        var grpc = builder.Configuration.GetSection(GrpcOptions.SectionName).Get<GrpcOptions>() ?? new GrpcOptions();
        if (Check(grpc) is { Count: > 0 } failures)
        {
            throw new OptionsValidationException(GrpcOptions.SectionName, typeof(GrpcOptions), failures);
        }

        builder.Services.AddOptions<GrpcOptions>().BindConfiguration(GrpcOptions.SectionName);
        if (!grpc.Enabled)
        {
            return grpc;
        }

        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = grpc.MaxReceiveMessageBytes;
            o.EnableDetailedErrors = false;

            // No catch-all route for unknown services: it would take HTTP requests the JSON API answers 404 or 405.
            o.IgnoreUnknownServices = true;
        });
        builder.Services.AddGrpcHealthChecks(o =>
        {
            // The whole server and the dispatcher service are SERVING exactly when /readyz says ready.
            o.Services.Map(string.Empty, check => check.Tags.Contains(Operations.Readiness.ReadyTag));
            o.Services.Map(Dispatcher.Descriptor.FullName, check => check.Tags.Contains(Operations.Readiness.ReadyTag));
        });
        builder.Services.AddGrpcReflection();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(listen =>
        {
            if (listen.IPEndPoint?.Port == grpc.Port)
            {
                listen.Protocols = HttpProtocols.Http2;
            }
        }));
        return grpc;
    }

    /// <summary>Maps the services, when enabled.</summary>
    public static WebApplication MapGrpcFrontDoor(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GrpcOptions>>().Value.Enabled)
        {
            app.MapGrpcService<DispatcherService>();
            app.MapGrpcHealthChecksService();
            app.MapGrpcReflectionService();
        }

        return app;
    }

    /// <summary>The gRPC address beside <paramref name="firstUrl"/>: its scheme's cleartext twin on the same host, at <paramref name="port"/>.</summary>
    public static string UrlBeside(string firstUrl, int port)
    {
        var authority = firstUrl[(firstUrl.IndexOf("://", StringComparison.Ordinal) + 3)..].Split('/')[0];
        var colon = authority.LastIndexOf(':');
        var host = colon > authority.LastIndexOf(']') ? authority[..colon] : authority;
        return string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}");
    }

    private static List<string> Check(GrpcOptions options)
    {
        var failures = new List<string>();
        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Grpc:Port is {options.Port}; it must be between 1 and 65535.");
        }

        if (options.MaxReceiveMessageBytes is < 1024 or > 64 << 20)
        {
            failures.Add($"Grpc:MaxReceiveMessageBytes is {options.MaxReceiveMessageBytes}; it must be between 1,024 and 67,108,864.");
        }

        if (options.StreamWindow is < 1 or > 10_000)
        {
            failures.Add($"Grpc:StreamWindow is {options.StreamWindow}; it must be between 1 and 10,000.");
        }

        return failures;
    }
}
