// A backend that confirms orders over WhatsApp through IWaDispatcher.
//
//   first:    dotnet run --project silo/WaDispatch.Silo            (in one terminal)
//   remote:   dotnet run --project client/samples/WaDispatch.Sample -- remote http://localhost:5080/
//   embedded: dotnet run --project client/samples/WaDispatch.Sample -- embedded 30000
//
// Remote goes through the silo's HTTP API; embedded calls its grains through the Orleans gateway (the silo's
// Orleans:GatewayPort). Either way the code below the registration is the same.
using System.Globalization;
using System.Net;
using WaDispatch.Client;

var mode = args.ElementAtOrDefault(0) ?? "remote";
var builder = WebApplication.CreateBuilder();
if (mode == "embedded")
{
    // An Orleans client of the silo: IWaDispatcher as grain calls through its gateway.
    var gatewayPort = int.Parse(args.ElementAtOrDefault(1) ?? "30000", CultureInfo.InvariantCulture);
    builder.Services.AddWaDispatch(o => o.AddGateway(IPAddress.Loopback, gatewayPort));
}
else
{
    builder.Services.AddWaDispatchClient(o =>
    {
        o.BaseAddress = new Uri(args.ElementAtOrDefault(1) ?? "http://localhost:5080/");
        o.ApiKey = Environment.GetEnvironmentVariable("WADISPATCH_API_KEY");
    });
}

var app = builder.Build();

await app.StartAsync();
var dispatcher = app.Services.GetRequiredService<IWaDispatcher>();

// Watch what happens to what we send, while we send it.
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
var watching = Task.Run(async () =>
{
    try
    {
        await foreach (var change in dispatcher.SubscribeAsync(stop.Token))
        {
            Console.WriteLine($"  {change.MessageId}: {change.Status} at {change.At:HH:mm:ss}");
        }
    }
    catch (OperationCanceledException)
    {
    }
});

var confirmation = WaTemplate.Create("order_confirmation", "en_US")
    .Body(b => b.Text("A-1001").Currency("USD", 100_990, "$100.99").DateTime("June 1, 2026"))
    .QuickReply(0, "track-A-1001")
    .To("+16505551234");
var result = await dispatcher.SendAsync("106540352242922", confirmation);
Console.WriteLine(result.IsSent
    ? $"Sent: {result.Wamid}"
    : $"Not sent ({result.Rejection!.Reason}, code {result.Rejection.Code}): {result.Rejection.Details}; retry after {result.Rejection.RetryAfter}");

await watching;
await app.StopAsync();
