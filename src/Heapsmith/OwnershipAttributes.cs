using System;

namespace Heapsmith;

/// <summary>
/// The method returns memory the caller now owns, as if it came from a heap's <c>Alloc</c>.
/// Apply to the method or to its return value (<c>[return: OwnershipReturns]</c>).
/// Read by the Heapsmith analyzers.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.ReturnValue, AllowMultiple = false, Inherited = false)]
public sealed class OwnershipReturnsAttribute : Attribute
{
}

/// <summary>
/// The callee takes ownership of the pointer passed in this parameter (frees it or keeps it);
/// the caller must neither free nor use it afterwards. Read by the Heapsmith analyzers.
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class OwnershipTakesAttribute : Attribute
{
}
