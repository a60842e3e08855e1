namespace LibraryCluster.Actors.Operations;

/// <summary>What a state-changing admin call did.</summary>
/// <remarks>
/// <para><c>Changed</c>: False when the cluster was already so (the call is idempotent).</para>
/// <para><c>Epoch</c>: The map's epoch after the call.</para>
/// </remarks>
public sealed record OperationResult(string Action, string Target, bool Changed, string Message, long Epoch);

/// <summary>What one node said when asked to scrub.</summary>
/// <remarks>
/// <para><c>Replicas</c>: Copies there that will be scrubbed (Healthy or Damaged ones; others are busy and scrub later).</para>
/// <para><c>Error</c>: Why the node could not be asked (unreachable, refused), or null.</para>
/// </remarks>
public sealed record ScrubAsked(string Node, int Replicas, string? Error);

/// <summary>A scrub asked of every node holding a copy of <see cref="Torrent"/> (null: of every torrent).</summary>
public sealed record ScrubResult(string? Torrent, IReadOnlyList<ScrubAsked> Nodes);
