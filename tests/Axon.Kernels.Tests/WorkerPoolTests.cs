using Axon.Kernels.Threading;

namespace Axon.Kernels.Tests;

public sealed class WorkerPoolTests
{
    private struct CountBody : IParallelBody
    {
        public int[] Hits;

        public readonly void Invoke(int index) => Interlocked.Increment(ref Hits[index]);
    }

    private struct ThrowBody : IParallelBody
    {
        public readonly void Invoke(int index)
        {
            if (index == 5)
            {
                throw new InvalidOperationException("boom");
            }
        }
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 1)]
    [InlineData(3, 1000)]
    public void RunsEveryIndexExactlyOnce(int threads, int count)
    {
        using var pool = new WorkerPool(threads);
        for (int round = 0; round < 20; round++)
        {
            var hits = new int[count];
            pool.For(count, new CountBody { Hits = hits });
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void PropagatesExceptionsAndStaysUsable()
    {
        using var pool = new WorkerPool(2);
        Assert.Throws<AggregateException>(() => pool.For(100, new ThrowBody()));
        var hits = new int[50];
        pool.For(50, new CountBody { Hits = hits });
        Assert.All(hits, h => Assert.Equal(1, h));
    }
}
