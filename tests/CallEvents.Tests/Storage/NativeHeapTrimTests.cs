using System.Globalization;
using System.Runtime.InteropServices;
using CallEvents.Storage.Sql;
using CallEvents.Tests.Infrastructure;

namespace CallEvents.Tests.Storage;

/// <summary>
/// The native heap's trim (glibc's <c>malloc_trim</c>) gives freed memory that glibc kept resident
/// back to the kernel: what SQLite frees when a page cache is released stays in the process's RSS
/// without it (bench/README.md, Memory under load (session 13)). Alone, not beside other tests:
/// their allocations would reuse the holes, and another host's trim could take them first.
/// </summary>
[Collection(NativeHeapCollection.Name)]
public sealed class NativeHeapTrimTests
{
    private const int BlockBytes = 4096; // about a SQLite page cache entry
    private const int Blocks = 16_384;   // 64 MiB

    [GlibcFact]
    public void FreedMemoryThatTheHeapKeepsResidentIsGivenBackByATrim()
    {
        // Freed in runs of at least 8 pages (whatever the page size), with as many kept between
        // them: holes between blocks still in use, which free() cannot hand back (they are not at
        // the top of the heap) and keeps resident, as it keeps a released SQLite cache.
        var run = Math.Max(8, 8 * Environment.SystemPageSize / BlockBytes);
        var blocks = new nint[Blocks];
        var zeroes = new byte[BlockBytes];
        try
        {
            for (var i = 0; i < Blocks; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(BlockBytes); // malloc
                Marshal.Copy(zeroes, 0, blocks[i], BlockBytes); // resident
            }
            for (var i = 0; i < Blocks; i++)
            {
                if (i / run % 2 == 0)
                {
                    Marshal.FreeHGlobal(blocks[i]);
                    blocks[i] = 0;
                }
            }

            var before = ResidentBytes();
            Assert.True(NativeHeapTrim.TryTrim());
            var after = ResidentBytes();

            // 32 MiB freed; each run loses at most a page at each end to its neighbours: ≥ 24 MiB can go back.
            Assert.True(before - after >= 16 << 20, $"RSS {before >> 20} MiB before the trim, {after >> 20} MiB after");
        }
        finally
        {
            foreach (var block in blocks.Where(block => block != 0))
            {
                Marshal.FreeHGlobal(block);
            }
        }
    }

    /// <summary>The process's resident set (the second field of /proc/self/statm, in pages).</summary>
    private static long ResidentBytes() =>
        long.Parse(File.ReadAllText("/proc/self/statm").Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
}

/// <summary>Runs <see cref="NativeHeapTrimTests"/> with no other test beside it.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHeapCollection
{
    public const string Name = "Native heap";
}
