# The WaDispatch silo. Build from the repository root:
#   docker build -f docker/silo.Dockerfile -t wadispatch-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish silo/WaDispatch.Silo/WaDispatch.Silo.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
# curl for the health check only.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app .
# A non-root user; ./data (the SQLite default) is writable by it.
RUN useradd --system --uid 10001 --home-dir /app wadispatch && mkdir -p /app/data && chown -R wadispatch /app/data
USER wadispatch
ENV ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_gcServer=1
# 5081: the gRPC front door (Grpc:Port), beside the HTTP address on the same host.
EXPOSE 8080 5081
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
# SIGTERM drains (Operations:DrainDelay), finishes or hands back in-flight sends, flushes, then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "WaDispatch.Silo.dll"]
