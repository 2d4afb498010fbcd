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

    /// <summary>Index 0 and 1 each wait for the other to start: only passes when a second thread takes part.</summary>
    private struct RendezvousBody : IParallelBody
    {
        public int[] Arrived;

        public readonly void Invoke(int index)
        {
            Interlocked.Increment(ref Arrived[index]);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref Arrived[1 - index]) == 0 && DateTime.UtcNow < deadline)
            {
                Thread.Yield();
            }
        }
    }

    [Fact]
    public void ParkedWorkersWakeForTheNextLoop()
    {
        using var pool = new WorkerPool(2);
        for (int round = 0; round < 6; round++)
        {
            // Alternate back-to-back loops (the helper is still spinning) with pauses past the spin window (it has parked).
            if (round % 2 == 1)
            {
                Thread.Sleep(WorkerPool.SpinMicroseconds / 1000 + 20);
            }
            var arrived = new int[2];
            pool.For(2, new RendezvousBody { Arrived = arrived });
            Assert.Equal([1, 1], arrived);
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
