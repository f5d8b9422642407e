using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WaDispatch.CloudApi.Errors;
using WaDispatch.Silo.Api;
using WaDispatch.Silo.Grpc;

namespace WaDispatch.Silo.FrontDoor;

/// <summary>
/// The front door's guards on the API routes (<c>/v1/…</c> and the Cloud API-compatible route): API keys
/// compared in constant time, a per-key rate limit (ASP.NET Core's rate limiter, a token bucket per key),
/// request size limits, and Cloud API-shaped answers for requests that break them or that fail unexpectedly.
/// Webhooks (signed by Meta), health and the built-in simulator are not API routes.
/// </summary>
internal static partial class FrontDoor
{
    /// <summary>The <see cref="HttpContext.Items"/> entry holding the caller's key name (<c>local</c> when no keys are configured).</summary>
    public const string KeyNameItem = "wadispatch.api-key";

    private const string LocalKeyName = "local";

    /// <summary>Registers the options, their validation and the rate limiter.</summary>
    public static IServiceCollection AddFrontDoor(this IServiceCollection services)
    {
        services.AddOptions<ApiOptions>().BindConfiguration(ApiOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiOptions>, ApiOptionsValidator>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ApiOptions>>((limiter, api) =>
        {
            var options = api.Value;

            // A tenth of the rate every tenth of a second, or one token at a time for rates under 10 per second: the
            // period follows, so that tokens per period over the period is the configured rate exactly.
            var tokens = Math.Max(1, options.RequestsPerSecond / 10);
            var period = TimeSpan.FromSeconds((double)tokens / options.RequestsPerSecond);
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Items[KeyNameItem] is string name
                    ? RateLimitPartition.GetTokenBucketLimiter(name, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.Burst,
                        TokensPerPeriod = tokens,
                        ReplenishmentPeriod = period,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                ApiErrors.SetRetryAfter(rejected.HttpContext.Response, retryAfter);
                var error = CloudApiError.Create(ErrorCodes.ApiTooManyCalls, "Application request limit reached", $"API key '{rejected.HttpContext.Items[KeyNameItem]}' is over its {options.RequestsPerSecond} requests per second (Api:RequestsPerSecond, Api:Burst {options.Burst}).");
                if (GrpcErrors.IsApi(rejected.HttpContext.Request.Path))
                {
                    return new ValueTask(GrpcErrors.WriteAsync(rejected.HttpContext, error, global::Grpc.Core.StatusCode.ResourceExhausted, retryAfter));
                }

                return new ValueTask(ApiErrors.Error(error, StatusCodes.Status429TooManyRequests).ExecuteAsync(rejected.HttpContext));
            };
        });
        return services;
    }

    /// <summary>Adds the guards: errors first (so that they shape what the others throw), then keys, then the rate limit.</summary>
    public static WebApplication UseFrontDoor(this WebApplication app)
    {
        app.Use(ErrorsAsync);
        app.Use(KeysAsync);
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Serves the OpenAPI document of the front door at <c>GET /openapi.json</c> (written by hand: most routes read their bodies themselves, so a generated one would say little).</summary>
    public static IEndpointRouteBuilder MapOpenApiDocument(this IEndpointRouteBuilder routes)
    {
        using var stream = typeof(FrontDoor).Assembly.GetManifestResourceStream("openapi.json")!;
        using var reader = new StreamReader(stream);
        var document = Encoding.UTF8.GetBytes(reader.ReadToEnd());
        routes.MapGet("/openapi.json", () => Results.Bytes(document, "application/json"));
        return routes;
    }

    /// <summary>The caller's key name, for scoping idempotency keys; <c>local</c> when no keys are configured.</summary>
    public static string KeyName(HttpContext context) => context.Items[KeyNameItem] as string ?? LocalKeyName;

    /// <summary>True for the API routes: <c>/v1/…</c>, <c>/{version}/{phone_number_id}/messages</c> and the gRPC dispatcher service.</summary>
    public static bool IsApi(PathString path) => path.StartsWithSegments("/v1") || GrpcErrors.IsApi(path) || CloudApiRoute().IsMatch(path.Value ?? string.Empty);

    /// <summary>
    /// True for the pages an operator opens in a browser: the Orleans dashboard (<c>Dashboard:Path</c>) and the console.
    /// They take the API keys too — as the password of HTTP Basic authentication, which a browser asks for (and then sends
    /// with the console's own calls to the API, which takes it as well).
    /// </summary>
    public static bool IsOperatorPage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        return path.StartsWithSegments(ConsolePath)
            || (context.RequestServices.GetRequiredService<IOptions<Operations.DashboardSettings>>().Value is { Enabled: true } dashboard && path.StartsWithSegments(dashboard.Path));
    }

    /// <summary>Where the live console is served.</summary>
    public const string ConsolePath = "/console";

    private static async Task KeysAsync(HttpContext context, RequestDelegate next)
    {
        var page = !IsApi(context.Request.Path) && IsOperatorPage(context);
        if (!page && !IsApi(context.Request.Path))
        {
            await next(context);
            return;
        }

        var keys = context.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.Keys;
        if (keys.Count == 0)
        {
            context.Items[KeyNameItem] = LocalKeyName;
            await next(context);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        var name = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? Match(header["Bearer ".Length..].Trim(), keys)
            : BasicPassword(header) is { } password ? Match(password, keys)
            : null;
        if (name is not null)
        {
            context.Items[KeyNameItem] = name;
            await next(context);
            return;
        }

        if (page)
        {
            // A browser asks for a user name (any) and a password (an API key).
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"WaDispatch\", charset=\"UTF-8\"";
            await context.Response.WriteAsync("An API key is needed: give any user name and the key as the password.");
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        var error = CloudApiError.Create(ErrorCodes.AccessTokenExpired, "Invalid OAuth access token", "Authorization: Bearer <API key> is missing or matches no key configured under Api:Keys.");
        if (GrpcErrors.IsApi(context.Request.Path))
        {
            await GrpcErrors.WriteAsync(context, error, global::Grpc.Core.StatusCode.Unauthenticated);
            return;
        }

        await ApiErrors.Error(error, StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    }

    /// <summary>The password of an HTTP Basic <c>Authorization</c> header, or null when it is not one.</summary>
    private static string? BasicPassword(string header)
    {
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The name of the key <paramref name="presented"/> is, compared in constant time against every key.</summary>
    private static string? Match(string presented, Dictionary<string, string> keys)
    {
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> known = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), given);
        string? match = null;
        foreach (var (name, key) in keys)
        {
            // Hashes have one length whatever the keys' lengths; every key is compared, matched or not.
            SHA256.HashData(Encoding.UTF8.GetBytes(key), known);
            if (CryptographicOperations.FixedTimeEquals(given, known))
            {
                match = name;
            }
        }

        return match;
    }

    /// <summary>
    /// A body over its limit (413), a malformed request, a route that does not exist (404) or a method it does not take
    /// (405), or an unexpected failure: a Cloud API-shaped answer, never an empty body or an HTML page.
    /// </summary>
    private static async Task ErrorsAsync(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode is StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed)
            {
                var unmatched = context.Response.StatusCode == StatusCodes.Status404NotFound
                    ? CloudApiError.Create(ErrorCodes.UnknownPathComponents, "Unknown path components", $"No route {context.Request.Method} {context.Request.Path}: see /openapi.json for WaDispatch's routes.")
                    : CloudApiError.Create(ErrorCodes.InvalidParameter, $"Unsupported {context.Request.Method.ToLowerInvariant()} request", $"{context.Request.Path} does not take {context.Request.Method}; it takes {context.Response.Headers.Allow}.");
                await ApiErrors.Error(unmatched, context.Response.StatusCode).ExecuteAsync(context);
            }
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            var details = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? $"The request body is larger than the limit of {context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize} bytes (Api:MaxRequestBytes; campaign audiences may be uploaded as multipart files of up to {CampaignsApi.MaxUploadBytes} bytes)."
                : $"The request could not be read: {ex.Message}";
            await ApiErrors.Error(CloudApiError.Create(ErrorCodes.InvalidParameter, "Invalid request", details), ex.StatusCode).ExecuteAsync(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && ex is TimeoutException or Orleans.Runtime.OrleansMessageRejectionException or Orleans.Runtime.GatewayTooBusyException)
        {
            // A grain that did not answer in time, or a silo of the cluster that went away or refused the call: the caller
            // may try again. Any other Orleans failure is a fault, answered 500 below.
            FrontDoorLog.Unavailable(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FrontDoor).FullName!), ex, context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "1";
            var error = CloudApiError.Create(ErrorCodes.ApiService, "Service temporarily unavailable", $"WaDispatch could not answer in time ({ex.GetType().Name}); the request may still take effect. Try again (with the same Idempotency-Key for a send), or read the resource to see.");
            await ApiErrors.Error(error, StatusCodes.Status503ServiceUnavailable).ExecuteAsync(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var trace = context.TraceIdentifier;
            FrontDoorLog.Unexpected(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(FrontDoor).FullName!), ex, context.Request.Method, context.Request.Path, trace);
            var error = CloudApiError.Create(ErrorCodes.ApiUnknown, "An unknown error occurred", $"WaDispatch failed unexpectedly; nothing more is known to the caller. Trace id {trace} is in the silo's log.", trace);
            await ApiErrors.Error(error, StatusCodes.Status500InternalServerError).ExecuteAsync(context);
        }
    }

    [GeneratedRegex(@"^/v\d+\.\d+/[^/]+/messages/?$")]
    private static partial Regex CloudApiRoute();
}
