using System.Net;
using System.Net.Sockets;

namespace WaDispatch.Simulator;

/// <summary>
/// Free loopback ports for processes that must know their addresses before they start (the simulator, silos and their
/// Orleans endpoints), for the tests and the load harness that start them.
/// </summary>
public static class LoopbackPorts
{
    /// <summary>
    /// <paramref name="count"/> distinct loopback ports free now. Every listener is held until all are picked: a port
    /// released before the next is asked for may be handed out again (it happened on CI: a silo's two Orleans ports
    /// came back equal). Another process may still take one before it is bound; callers retry on that.
    /// </summary>
    public static int[] Free(int count)
    {
        var listeners = new TcpListener[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Dispose();
            }
        }
    }
}
