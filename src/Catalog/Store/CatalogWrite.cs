using LibraryCluster.Catalog.Records;

namespace LibraryCluster.Catalog.Store;

/// <summary>One write of an import, so that a store can be handed many at once (<see cref="ICatalogWriter.Write"/>).</summary>
public abstract record CatalogWrite
{
    /// <summary>Runs this write through the writer's one-row methods; side tables report a change as <see cref="RecordChange.Inserted"/>.</summary>
    public abstract RecordChange ApplyTo(ICatalogWriter writer);

    private protected static RecordChange Changed(bool changed) => changed ? RecordChange.Inserted : RecordChange.Unchanged;
}

/// <summary>Upsert a record (<see cref="ICatalogWriter.Upsert"/>).</summary>
public sealed record RecordWrite(CatalogRecord Record) : CatalogWrite
{
    public override RecordChange ApplyTo(ICatalogWriter writer) => writer.Upsert(Record);
}

/// <summary>Upsert a description (<see cref="ICatalogWriter.UpsertDescription"/>).</summary>
public sealed record DescriptionWrite(Collection Collection, string Md5, string Description, string Toc, DateTime? Modified) : CatalogWrite
{
    public override RecordChange ApplyTo(ICatalogWriter writer) => Changed(writer.UpsertDescription(Collection, Md5, Description, Toc, Modified));
}

/// <summary>Upsert a file's hashes (<see cref="ICatalogWriter.UpsertHashes"/>).</summary>
public sealed record HashesWrite(Collection Collection, string Md5, string Crc32, string Edonkey, string Aich, string Sha1, string Tth, string Btih, string Sha256, string IpfsCid) : CatalogWrite
{
    public override RecordChange ApplyTo(ICatalogWriter writer) => Changed(writer.UpsertHashes(Collection, Md5, Crc32, Edonkey, Aich, Sha1, Tth, Btih, Sha256, IpfsCid));
}

/// <summary>Upsert a topic name (<see cref="ICatalogWriter.UpsertTopic"/>).</summary>
public sealed record TopicWrite(long TopicId, string Lang, string Description, long? Parent) : CatalogWrite
{
    public override RecordChange ApplyTo(ICatalogWriter writer) => Changed(writer.UpsertTopic(TopicId, Lang, Description, Parent));
}
