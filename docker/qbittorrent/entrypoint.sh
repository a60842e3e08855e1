#!/bin/sh
# Writes qBittorrent.conf into the daemon's profile with the settings LibraryCluster's node writes for a daemon
# it runs itself (src/Torrents/Engines/QBittorrent/QBittorrentConfig.cs; docs/swarm.md says why each is there),
# then replaces itself with qbittorrent-nox. The file is written anew at every start: the daemon's torrents are
# kept in the profile's BT_backup folder, not in this file.
#
# Settings (environment), with the node's defaults:
#   QBT_PROFILE=/data/qbittorrent   the profile folder (config, torrent list, log); on the data volume
#   QBT_WEBUI_PORT=8081             WebUI, on 127.0.0.1 only (the node's Swarm:WebUiUrl)
#   QBT_LISTEN_PORT=6881            BitTorrent port (TCP and uTP)
#   QBT_LISTEN_INTERFACE=, QBT_LISTEN_ADDRESS=   where peers reach it; empty is everywhere
#   QBT_PEER_PROTOCOL=Both          TCP and uTP to peers; TCP or UTP for one only
#   QBT_DHT=true QBT_PEX=true QBT_LSD=false      peer discovery
#   QBT_CHECKING_SLOTS=16           torrents hashed at once
#   QBT_REFRESH_MS=250              how often the daemon refreshes the state its API reports
#   QBT_EXECUTABLE=qbittorrent-nox
set -eu

profile=${QBT_PROFILE:-/data/qbittorrent}
webui_port=${QBT_WEBUI_PORT:-8081}
listen_port=${QBT_LISTEN_PORT:-6881}
interface=${QBT_LISTEN_INTERFACE:-}
address=${QBT_LISTEN_ADDRESS:-}
protocol=${QBT_PEER_PROTOCOL:-Both}
dht=${QBT_DHT:-true}
pex=${QBT_PEX:-true}
lsd=${QBT_LSD:-false}
checking=${QBT_CHECKING_SLOTS:-16}
refresh=${QBT_REFRESH_MS:-250}

fail() { echo "qbittorrent-entrypoint: $*" >&2; exit 2; }
number() { case "$2" in ''|*[!0-9]*) fail "$1 \"$2\" is not a number";; esac; }
boolean() { case "$2" in true|false) ;; *) fail "$1 \"$2\" must be true or false";; esac; }
token() { case "$2" in *[!A-Za-z0-9.:_%-]*) fail "$1 \"$2\" may hold only letters, digits, '.', ':', '-', '_' and '%'";; esac; }
number QBT_WEBUI_PORT "$webui_port"; number QBT_LISTEN_PORT "$listen_port"
number QBT_CHECKING_SLOTS "$checking"; number QBT_REFRESH_MS "$refresh"
boolean QBT_DHT "$dht"; boolean QBT_PEX "$pex"; boolean QBT_LSD "$lsd"
token QBT_LISTEN_INTERFACE "$interface"; token QBT_LISTEN_ADDRESS "$address"
case "$protocol" in Both|TCP|UTP) ;; *) fail "QBT_PEER_PROTOCOL \"$protocol\" must be Both, TCP or UTP";; esac
[ "$refresh" -lt 30 ] && refresh=30
[ "$refresh" -gt 60000 ] && refresh=60000

config="$profile/qBittorrent/config"
mkdir -p "$config"
cat > "$config/qBittorrent.conf.tmp" <<CONF
[LegalNotice]
Accepted=true

[BitTorrent]
Session\\Port=$listen_port
Session\\Interface=$interface
Session\\InterfaceName=$interface
Session\\InterfaceAddress=$address
Session\\BTProtocol=$protocol
Session\\DHTEnabled=$dht
Session\\PeXEnabled=$pex
Session\\LSDEnabled=$lsd
Session\\QueueingSystemEnabled=false
Session\\MultiConnectionsPerIp=true
Session\\MaxActiveCheckingTorrents=$checking
Session\\DiskIOType=Posix
Session\\RefreshInterval=$refresh
Session\\GlobalMaxRatio=-1
Session\\GlobalMaxSeedingMinutes=-1
Session\\TempPathEnabled=false

[Network]
PortForwardingEnabled=false

[Preferences]
Connection\\UPnP=false
Connection\\ResolvePeerCountries=false
WebUI\\Enabled=true
WebUI\\Address=127.0.0.1
WebUI\\Port=$webui_port
WebUI\\LocalHostAuth=false
WebUI\\UseUPnP=false
CONF
mv "$config/qBittorrent.conf.tmp" "$config/qBittorrent.conf"

exec "${QBT_EXECUTABLE:-qbittorrent-nox}" "--profile=$profile"
