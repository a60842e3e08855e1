using System.Text.Json.Serialization;

namespace LibraryCluster.Torrents.Engines.QBittorrent.Json;

/// <summary>Source-generated (de)serializers for the WebAPI answers we read: no reflection at run time.</summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(QbMaindata))]
[JsonSerializable(typeof(List<QbTorrentPatch>))]
[JsonSerializable(typeof(List<QbFile>))]
[JsonSerializable(typeof(List<QbTracker>))]
[JsonSerializable(typeof(QbServerState))]
[JsonSerializable(typeof(Dictionary<string, int>))]
internal sealed partial class QbJsonContext : JsonSerializerContext;
