using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace Heapsmith.Tests.Os;

/// <summary>
/// A thread whose glibc mallocs come from the main arena, the only arena glibc grows with sbrk
/// (other arenas are mmap'd heaps). glibc attaches a thread to an arena at its first malloc; test
/// threads mostly get their own. So threads are started, each mallocs once and reads the chunk's
/// NON_MAIN_ARENA bit (0x4 in the size word just below the block, glibc's layout), and the first
/// one on the main arena is kept to run work; the others stay attached (parked) while the search
/// goes on, so that glibc's round-robin reaches the main arena, and then exit.
/// </summary>
internal sealed unsafe class MainArenaThread : IDisposable
{
    private const int MaxCandidates = 256;
    private const nuint NonMainArena = 0x4;
    private const nuint IsMmapped = 0x2;

    private readonly BlockingCollection<Action> _work = new();
    private readonly Thread _thread;

    private MainArenaThread(Thread thread) => _thread = thread;

    /// <summary>Whether a glibc block came from the main arena.</summary>
    public static bool IsMainArenaBlock(void* block) => (((nuint*)block)[-1] & (NonMainArena | IsMmapped)) == 0;

    public static MainArenaThread? Find()
    {
        using var release = new ManualResetEventSlim();
        var parked = new List<Thread>();
        MainArenaThread? found = null;
        try
        {
            for (var i = 0; i < MaxCandidates && found == null; i++)
            {
                using var answered = new ManualResetEventSlim();
                var onMain = false;
                MainArenaThread? candidate = null;
                var thread = new Thread(() =>
                {
                    var probe = NativeMemory.Alloc(64);
                    onMain = IsMainArenaBlock(probe);
                    NativeMemory.Free(probe);
                    answered.Set();
                    if (onMain)
                    {
                        candidate!.Run();
                    }
                    else
                    {
                        release.Wait();
                    }
                }, maxStackSize: 256 * 1024)
                { IsBackground = true };
                candidate = new MainArenaThread(thread);
                thread.Start();
                answered.Wait();
                if (onMain)
                {
                    found = candidate;
                }
                else
                {
                    parked.Add(thread);
                }
            }
        }
        finally
        {
            release.Set();
            foreach (var thread in parked)
            {
                thread.Join();
            }
        }

        return found;
    }

    /// <summary>Runs <paramref name="action"/> on the main-arena thread and waits for it.</summary>
    public void Invoke(Action action)
    {
        Exception? failure = null;
        using var done = new ManualResetEventSlim();
        _work.Add(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }

            done.Set();
        });
        done.Wait();
        if (failure != null)
        {
            throw new InvalidOperationException("work on the main-arena thread failed", failure);
        }
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join();
        _work.Dispose();
    }

    private void Run()
    {
        foreach (var action in _work.GetConsumingEnumerable())
        {
            action();
        }
    }
}
