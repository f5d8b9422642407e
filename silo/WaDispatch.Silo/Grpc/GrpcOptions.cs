namespace WaDispatch.Silo.Grpc;

/// <summary>Settings of the gRPC front door (configuration section <c>Grpc</c>).</summary>
public sealed class GrpcOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "Grpc";

    /// <summary>Serves <c>wadispatch.v1.Dispatcher</c>, gRPC health and reflection. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The port of the gRPC endpoint: cleartext HTTP/2 (prior knowledge), on the host of the silo's first HTTP
    /// address. Default 5081. HTTPS endpoints (<c>Kestrel:Endpoints</c>) serve gRPC too, through ALPN.
    /// </summary>
    public int Port { get; set; } = 5081;

    /// <summary>The largest single protobuf message a caller may send (a message, or a chunk of audience rows). Default 4 MiB.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 << 20;

    /// <summary>
    /// How many messages of a <c>SendMessages</c> stream are being accepted at once: the server reads no further
    /// until the oldest is answered, so HTTP/2 flow control slows a caller that sends faster than WaDispatch accepts.
    /// Default 256.
    /// </summary>
    public int StreamWindow { get; set; } = 256;
}
