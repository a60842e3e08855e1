namespace LibraryCluster.Actors;

/// <summary>Where an actor sends the answer to an ask; sending twice keeps the first answer.</summary>
public sealed class Reply<T>
{
    private readonly TaskCompletionSource<T> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal Task<T> Answer => _answer.Task;

    public void Send(T value) => _answer.TrySetResult(value);

    public void Fail(Exception exception) => _answer.TrySetException(exception);
}
