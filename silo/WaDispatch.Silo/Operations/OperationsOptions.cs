namespace WaDispatch.Silo.Operations;

/// <summary>Settings of how the silo runs and stops (configuration section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Operations";

    /// <summary>
    /// After a stop signal (SIGTERM, Ctrl+C), how long the silo keeps serving with <c>/readyz</c> answering 503,
    /// so that a load balancer stops sending it requests before it stops accepting them. Default 0 (a local
    /// run stops at once); set a few seconds behind a load balancer or in Kubernetes.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;
}
