namespace LibraryCluster.Actors;

/// <summary>An actor's handler threw while handling <paramref name="Message"/>; <paramref name="Escalated"/> when the actor was stopped for failing too often.</summary>
public sealed record ActorFailure(string Actor, Exception Exception, object Message, int RecentFailures, bool Escalated);

/// <summary>A message no actor will handle: its actor had stopped or its mailbox was closed.</summary>
public sealed record DeadLetter(string Actor, object Message, string Reason);
