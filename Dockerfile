# syntax=docker/dockerfile:1
# The LibraryCluster node (src/Host) and the operator CLI (src/Cli), as a non-root image.
#   docker build -t librarycluster/node:dev .
# The BitTorrent daemon the node seeds through runs beside it from its own image: docker/qbittorrent/Dockerfile.
# See docs/kubernetes.md.

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Restore first, from the project files and the central package versions only, so that the layer is
# reused while no dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Torrents/LibraryCluster.Torrents.csproj src/Torrents/
COPY src/Catalog/LibraryCluster.Catalog.csproj src/Catalog/
COPY src/Search/LibraryCluster.Search.csproj src/Search/
COPY src/Actors/LibraryCluster.Actors.csproj src/Actors/
COPY src/Samples/LibraryCluster.Samples.csproj src/Samples/
COPY src/Host/LibraryCluster.Host.csproj src/Host/
COPY src/Cli/LibraryCluster.Cli.csproj src/Cli/
RUN dotnet restore src/Host/LibraryCluster.Host.csproj && dotnet restore src/Cli/LibraryCluster.Cli.csproj
COPY src/ src/
RUN dotnet publish src/Host/LibraryCluster.Host.csproj -c Release --no-restore -o /out/node \
 && dotnet publish src/Cli/LibraryCluster.Cli.csproj -c Release --no-restore -o /out/cli

FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
# The image's own non-root user, app (uid and gid 1654, $APP_UID). The node writes only to its data
# directory and volumes (mounted there), so the root file system can be read-only.
COPY --from=build /out/node /app
COPY --from=build /out/cli /app/cli
RUN ln -s /app/cli/libcluster /usr/local/bin/libcluster \
 && mkdir -p /data /volumes && chown "$APP_UID:$APP_UID" /data /volumes
USER $APP_UID
WORKDIR /data
ENV ASPNETCORE_URLS=http://+:8080 \
    Node__DataDirectory=/data \
    DOTNET_CLI_TELEMETRY_OPTOUT=1
EXPOSE 8080
VOLUME ["/data"]
# `LibraryCluster.Host drain` (the preStop hook) and `libcluster` (the CLI) are in the same image.
ENTRYPOINT ["/app/LibraryCluster.Host"]
