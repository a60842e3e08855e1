using LibraryCluster.Host.Serving;
using LibraryCluster.Testing;

namespace LibraryCluster.Host.Tests;

public sealed class DownloadQueueTests
{
    [Fact]
    public async Task Turns_Are_Given_Oldest_First()
    {
        using var queue = new DownloadQueue(atOnce: 1);
        var first = await queue.WaitAsync(CancellationToken.None);
        var second = queue.WaitAsync(CancellationToken.None).AsTask();
        var third = queue.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(second.IsCompleted);

        first!.Dispose();
        var secondTurn = await second.WaitAsync(Eventually.Patience);

        Assert.NotNull(secondTurn);
        Assert.False(third.IsCompleted);
        secondTurn.Dispose();
        Assert.NotNull(await third.WaitAsync(Eventually.Patience));
    }

    [Fact]
    public async Task A_Turn_Given_Back_Twice_Frees_One_Place()
    {
        using var queue = new DownloadQueue(atOnce: 1);
        var first = await queue.WaitAsync(CancellationToken.None);
        var second = queue.WaitAsync(CancellationToken.None).AsTask();

        first!.Dispose();
        first.Dispose();
        await second.WaitAsync(Eventually.Patience);

        // Had the second Dispose freed a place too, this would be granted at once.
        var third = queue.WaitAsync(CancellationToken.None).AsTask();
        Assert.False(third.IsCompleted);
    }

    [Fact]
    public async Task A_Full_Line_Answers_At_Once_With_No_Turn()
    {
        using var queue = new DownloadQueue(atOnce: 1, waiting: 1);
        var first = await queue.WaitAsync(CancellationToken.None);
        var waiting = queue.WaitAsync(CancellationToken.None).AsTask();

        var refused = await queue.WaitAsync(CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(refused);
        Assert.False(waiting.IsCompleted);
    }
}
