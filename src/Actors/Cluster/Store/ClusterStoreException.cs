namespace LibraryCluster.Actors.Cluster.Store;

/// <summary>The node or cluster database could not do what was asked: unreachable, refused, or newer than this build.</summary>
public sealed class ClusterStoreException(string message, Exception? inner = null) : Exception(message, inner);
