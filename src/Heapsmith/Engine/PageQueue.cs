using System.Runtime.InteropServices;

namespace Heapsmith.Engine;

// A doubly linked list of pages (through Page.Next/Prev): a thread heap's pages of one size class,
// its full list, an abandoned list or a span bin. A page is in at most one queue at a time.

/// <summary>A doubly linked list of pages.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PageQueue
{
    public Page* First;
    public Page* Last;

    public readonly bool IsEmpty => First == null;

    public void PushFront(Page* page)
    {
        page->Prev = null;
        page->Next = First;
        if (First != null)
        {
            First->Prev = page;
        }
        else
        {
            Last = page;
        }

        First = page;
    }

    public void PushBack(Page* page)
    {
        page->Next = null;
        page->Prev = Last;
        if (Last != null)
        {
            Last->Next = page;
        }
        else
        {
            First = page;
        }

        Last = page;
    }

    public void Remove(Page* page)
    {
        if (page->Prev != null)
        {
            page->Prev->Next = page->Next;
        }
        else
        {
            First = page->Next;
        }

        if (page->Next != null)
        {
            page->Next->Prev = page->Prev;
        }
        else
        {
            Last = page->Prev;
        }

        page->Next = null;
        page->Prev = null;
    }

    public Page* PopFront()
    {
        var page = First;
        if (page != null)
        {
            Remove(page);
        }

        return page;
    }
}
