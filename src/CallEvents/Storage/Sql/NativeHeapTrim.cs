using System.Runtime.InteropServices;

namespace CallEvents.Storage.Sql;

/// <summary>
/// Hands the native heap's free pages back to the kernel (glibc's <c>malloc_trim</c>), for
/// <see cref="IdleCacheRelease"/> after SQLite's page caches have been released.
///
/// Why: SQLite frees a released cache with <c>free()</c>, in ≈ 4 KB pieces that glibc keeps
/// resident in its arenas for the next allocations, so without a trim the process's RSS stays
/// at the largest SQLite heap it ever had, however long it then idles (bench/README.md, Memory
/// under load (sessions 9 and 13)). <c>malloc_trim(0)</c> gives back every whole free page of
/// every arena (<c>madvise(MADV_DONTNEED)</c>), not only the top of the main heap.
///
/// Only on glibc: elsewhere (musl, macOS, Windows) the library or its entry point is missing, and
/// the first try turns the trim off for the process.
/// </summary>
internal static class NativeHeapTrim
{
    private static volatile bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Whether the trim may work here (false once it has been found missing).</summary>
    public static bool Available => !_unavailable;

    /// <summary>Trims every arena; false if there is no glibc <c>malloc_trim</c> here.</summary>
    public static bool TryTrim()
    {
        if (_unavailable)
        {
            return false;
        }
        try
        {
            _ = malloc_trim(0); // 1 if any memory went back, 0 if none was free: neither is a failure
            return true;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }
    }

    // glibc's soname, not "libc": on glibc systems "libc.so" is a linker script dlopen refuses,
    // and a libc without malloc_trim (musl's) must fail the look-up rather than find another name.
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    private static extern int malloc_trim(nuint pad);
}
