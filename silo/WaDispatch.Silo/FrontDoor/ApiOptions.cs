namespace WaDispatch.Silo.FrontDoor;

/// <summary>Settings of the HTTP front door (configuration section <c>Api</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Api";

    /// <summary>
    /// API keys by name (<c>Api:Keys:{name}</c>, e.g. environment variable <c>Api__Keys__billing</c>): callers send
    /// <c>Authorization: Bearer {key}</c>. None configured: the API is open (the local zero-configuration run),
    /// and the silo says so at start-up. Keys are never logged; names are.
    /// </summary>
    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>Requests per second each key may make (a token bucket refilled every 100 ms). Default 1,000.</summary>
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>Requests a key may make at once above its rate (the bucket's size). Default 2,000.</summary>
    public int Burst { get; set; } = 2000;

    /// <summary>The largest request body, except campaign audience uploads (1 GiB) and inline campaigns (16 MiB). Default 4 MiB.</summary>
    public long MaxRequestBytes { get; set; } = 4L << 20;

    /// <summary>
    /// Open client connections Kestrel keeps at once; further ones are closed as they arrive. Default 4,096: callers are
    /// backend services with connection pools, and an unbounded flood (about 20,000 from the load harness, this
    /// machine's per-process file limit) once took the silo down.
    /// </summary>
    public long MaxConnections { get; set; } = 4096;

    /// <summary>The shortest key accepted: shorter ones are guessable.</summary>
    public const int MinKeyLength = 16;
}
