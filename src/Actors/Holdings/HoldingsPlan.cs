namespace LibraryCluster.Actors.Holdings;

/// <summary>What the holdings policy chose: the chosen torrents in priority order, then the others with their reason.</summary>
public sealed record HoldingsPlan(long MaxBytes, IReadOnlyList<HoldingChoice> Chosen, IReadOnlyList<HoldingChoice> NotChosen)
{
    public long ChosenBytes => Chosen.Count == 0 ? 0 : Chosen[^1].RunningTotal;

    /// <summary>Chosen torrents not held now: what applying the plan would fetch.</summary>
    public long BytesToFetch => Chosen.Where(c => !c.Torrent.Held).Sum(c => c.Torrent.Size);

    /// <summary>Held torrents the plan does not keep.</summary>
    public IEnumerable<HoldingChoice> HeldNotChosen => NotChosen.Where(c => c.Torrent.Held);
}
