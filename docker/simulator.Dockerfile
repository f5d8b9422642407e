# The Cloud API simulator (Meta's surface as a referee). Build from the repository root:
#   docker build -f docker/simulator.Dockerfile -t wadispatch-simulator .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish load/WaDispatch.Simulator.Host/WaDispatch.Simulator.Host.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
RUN useradd --system --uid 10001 --home-dir /app simulator
USER simulator
ENV ASPNETCORE_URLS=http://0.0.0.0:8090
EXPOSE 8090
ENTRYPOINT ["dotnet", "WaDispatch.Simulator.Host.dll"]
