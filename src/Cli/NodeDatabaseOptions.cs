using System.CommandLine;
using LibraryCluster.Actors.Cluster.Store;

namespace LibraryCluster.Cli;

/// <summary>
/// Where a command finds the node's or cluster's database (replicas, scrape results): a single node's SQLite file
/// (<c>DATA_DIR/node.db</c>) or a cluster's PostgreSQL database, exactly one.
/// </summary>
internal sealed record NodeDatabaseOptions(Option<FileInfo?> Db, Option<string?> Postgres)
{
    public static NodeDatabaseOptions Create() => new(
        new Option<FileInfo?>("--db") { Description = "A single node's database (SQLite): node.db in the node's data directory, e.g. mirror/node.db. Give this or --postgres.", HelpName = "PATH" },
        new Option<string?>("--postgres")
        {
            Description = "A cluster's shared PostgreSQL database, as an Npgsql connection string, e.g. \"Host=db;Username=libcluster;Password=…;Database=libcluster\". Give this or --db.",
            HelpName = "CONNECTION",
        });

    /// <summary>The one database the command line names; a SQLite file must exist unless <paramref name="create"/>.</summary>
    public ClusterDatabase Open(ParseResult parse, bool create)
    {
        var (db, postgres) = (parse.GetValue(Db), parse.GetValue(Postgres));
        if ((db is null) == (postgres is null))
        {
            throw new ArgumentException("name the database with either --db PATH (a node's SQLite node.db) or --postgres CONNECTION (a cluster's PostgreSQL)");
        }

        if (postgres is not null)
        {
            return ClusterDatabase.Postgres(postgres);
        }

        return create || db!.Exists
            ? ClusterDatabase.Sqlite(db!.FullName)
            : throw new FileNotFoundException($"--db {db.FullName}: no database here; 'libcluster torrent scrape TORRENT... --db {db.FullName}' makes one, and a node keeps its own at DATA_DIR/node.db");
    }
}
