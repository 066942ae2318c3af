using System.Globalization;
using System.Runtime.InteropServices;
using CallEvents.Storage.Sql;

namespace CallEvents.Tests.Storage;

/// <summary>
/// The native heap's trim (glibc's <c>malloc_trim</c>) gives freed memory that glibc kept resident
/// back to the kernel: what SQLite frees when a page cache is released stays in the process's RSS
/// without it (bench/README.md, Memory under load (session 13)).
/// </summary>
public sealed class NativeHeapTrimTests
{
    private const int BlockBytes = 4096; // about a SQLite page cache entry
    private const int Blocks = 16_384;   // 64 MiB
    private const int RunBlocks = 8;     // freed in runs of 8 blocks, with 8 kept between them

    [Fact]
    public void FreedMemoryThatTheHeapKeepsResidentIsGivenBackByATrim()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(NativeHeapTrim.TryTrim()); // no glibc: the trim says it did nothing
            return;
        }

        var blocks = new nint[Blocks];
        var zeroes = new byte[BlockBytes];
        try
        {
            for (var i = 0; i < Blocks; i++)
            {
                blocks[i] = Marshal.AllocHGlobal(BlockBytes); // malloc
                Marshal.Copy(zeroes, 0, blocks[i], BlockBytes); // resident
            }
            // Every other run freed: 32 MiB of holes between blocks still in use, which free()
            // cannot hand back (they are not at the top of the heap), so they stay resident.
            for (var i = 0; i < Blocks; i++)
            {
                if (i / RunBlocks % 2 == 0)
                {
                    Marshal.FreeHGlobal(blocks[i]);
                    blocks[i] = 0;
                }
            }

            var before = ResidentBytes();
            Assert.True(NativeHeapTrim.TryTrim());
            var after = ResidentBytes();

            // Each freed run of 8 blocks holds at least 7 whole pages: ≈ 28 MiB can go back.
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
