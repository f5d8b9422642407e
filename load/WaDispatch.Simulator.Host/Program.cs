using WaDispatch.Simulator;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
{
    builder.WebHost.UseUrls("http://localhost:5090");
}

builder.Services.AddOptions<SimulatorOptions>().BindConfiguration(SimulatorOptions.SectionName);
builder.Services.AddCloudApiSimulator();
var app = builder.Build();
app.MapCloudApiSimulator();
await app.RunAsync();
