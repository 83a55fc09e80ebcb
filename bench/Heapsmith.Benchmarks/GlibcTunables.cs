using System;

namespace Heapsmith.Benchmarks;

// GLIBC_TUNABLES is one colon-separated list; adding the static-TLS room jemalloc needs must keep
// whatever tunables the user already set.

/// <summary>Edits a GLIBC_TUNABLES value.</summary>
internal static class GlibcTunables
{
    public const string StaticTlsName = "glibc.rtld.optional_static_tls";

    /// <summary>Whether <paramref name="value"/> already sets the static TLS tunable.</summary>
    public static bool HasStaticTls(string? value) =>
        value != null && Array.Exists(value.Split(':'), t => t.StartsWith(StaticTlsName + "=", StringComparison.Ordinal));

    /// <summary><paramref name="value"/> with the static TLS tunable added (kept as is when already set).</summary>
    public static string WithStaticTls(string? value) =>
        HasStaticTls(value) ? value! : string.IsNullOrEmpty(value) ? Allocators.JemallocAllocator.StaticTlsTunable : value + ":" + Allocators.JemallocAllocator.StaticTlsTunable;
}
