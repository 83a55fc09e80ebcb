using System;
using System.Diagnostics;

namespace Heapsmith.Os;

/// <summary>
/// The ranges of the break the brk backend owns but does not hand out: padding left below an
/// aligned region, and released regions that were not at the top of the break. Kept sorted by
/// address, adjacent ranges merged, so a later reservation can be carved from them and a release
/// at the top can give back the holes directly below it too.
/// </summary>
/// <remarks>
/// Invariants: ranges are disjoint, sorted, never adjacent (adjacent ones are merged), and every
/// page wholly inside a hole reads as zero (padding was never touched; a released region is
/// purged before it becomes a hole). A hole may start or end inside a page that another user of
/// the break owns (the break need not be page-aligned); carving only ever returns aligned,
/// page-rounded ranges, so those shared pages are never handed out. Not thread-safe: the owner
/// holds its lock.
/// </remarks>
internal struct BreakHoles
{
    private const int InitialCapacity = 16;

    private Range[] _ranges;
    private int _count;

    public readonly int Count => _count;

    /// <summary>Start of the highest hole, if it ends exactly at <paramref name="end"/>; the caller then removes it.</summary>
    public readonly bool TryGetTopHole(nuint end, out nuint start)
    {
        if (_count > 0 && _ranges[_count - 1].End == end)
        {
            start = _ranges[_count - 1].Start;
            return true;
        }

        start = 0;
        return false;
    }

    /// <summary>Removes the highest hole (after <see cref="TryGetTopHole"/>).</summary>
    public void RemoveTop()
    {
        Debug.Assert(_count > 0);
        _count--;
    }

    /// <summary>Adds [<paramref name="start"/>, <paramref name="end"/>), merging with its neighbours.</summary>
    public void Add(nuint start, nuint end)
    {
        if (start >= end)
        {
            return;
        }

        _ranges ??= new Range[InitialCapacity];
        var i = LowerBound(start);
        Debug.Assert(i == _count || _ranges[i].Start >= end, "holes overlap");
        Debug.Assert(i == 0 || _ranges[i - 1].End <= start, "holes overlap");

        var mergesBelow = i > 0 && _ranges[i - 1].End == start;
        var mergesAbove = i < _count && _ranges[i].Start == end;
        if (mergesBelow && mergesAbove)
        {
            _ranges[i - 1].End = _ranges[i].End;
            RemoveAt(i);
        }
        else if (mergesBelow)
        {
            _ranges[i - 1].End = end;
        }
        else if (mergesAbove)
        {
            _ranges[i].Start = start;
        }
        else
        {
            InsertAt(i, new Range(start, end));
        }
    }

    /// <summary>
    /// Carves an <paramref name="alignment"/>-aligned range of <paramref name="size"/> bytes from the
    /// lowest hole that holds one (first fit keeps the break low); the rest of the hole stays.
    /// </summary>
    public bool TryCarve(nuint size, nuint alignment, out nuint address)
    {
        for (var i = 0; i < _count; i++)
        {
            var hole = _ranges[i];
            var start = OsPages.AlignUp(hole.Start, alignment);
            if (start < hole.Start || start > hole.End || hole.End - start < size)
            {
                continue;
            }

            var end = start + size;
            address = start;
            if (start == hole.Start && end == hole.End)
            {
                RemoveAt(i);
            }
            else if (start == hole.Start)
            {
                _ranges[i].Start = end;
            }
            else if (end == hole.End)
            {
                _ranges[i].End = start;
            }
            else
            {
                _ranges[i].End = start;
                InsertAt(i + 1, new Range(end, hole.End));
            }

            return true;
        }

        address = 0;
        return false;
    }

    /// <summary>Copies the holes out (tests and diagnostics).</summary>
    public readonly (nuint Start, nuint End)[] ToArray()
    {
        var result = new (nuint, nuint)[_count];
        for (var i = 0; i < _count; i++)
        {
            result[i] = (_ranges[i].Start, _ranges[i].End);
        }

        return result;
    }

    private readonly int LowerBound(nuint start)
    {
        int lo = 0, hi = _count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_ranges[mid].Start < start)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void InsertAt(int index, Range range)
    {
        if (_count == _ranges.Length)
        {
            Array.Resize(ref _ranges, _ranges.Length * 2);
        }

        Array.Copy(_ranges, index, _ranges, index + 1, _count - index);
        _ranges[index] = range;
        _count++;
    }

    private void RemoveAt(int index)
    {
        Array.Copy(_ranges, index + 1, _ranges, index, _count - index - 1);
        _count--;
    }

    private struct Range(nuint start, nuint end)
    {
        public nuint Start = start;
        public nuint End = end;
    }
}
