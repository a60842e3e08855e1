using Microsoft.Extensions.Logging;

namespace LibraryCluster.Actors;

/// <summary>The kernel's log messages, with stable event IDs.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Actor {Actor} failed on {MessageType} ({Message}); restart {Failures} in {Backoff}")]
    public static partial void Failed(ILogger logger, Exception exception, string actor, string messageType, object message, int failures, TimeSpan backoff);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Critical, Message = "Actor {Actor} failed {Failures} times within {Window} on {MessageType} ({Message}); it is stopped")]
    public static partial void Escalated(ILogger logger, Exception exception, string actor, int failures, TimeSpan window, string messageType, object message);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Actor {Actor} stopped")]
    public static partial void Stopped(ILogger logger, string actor);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Timer {Timer} of actor {Actor} dropped a message: the mailbox is full")]
    public static partial void TimerDropped(ILogger logger, string actor, string timer);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Critical, Message = "Actor {Actor} could not start; it is stopped")]
    public static partial void StartFailed(ILogger logger, Exception exception, string actor);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Error, Message = "Actor {Actor} failed in PostStop")]
    public static partial void PostStopFailed(ILogger logger, Exception exception, string actor);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug, Message = "Dead letter for {Actor}: {Message} ({Reason})")]
    public static partial void DeadLetter(ILogger logger, string actor, object message, string reason);
}
