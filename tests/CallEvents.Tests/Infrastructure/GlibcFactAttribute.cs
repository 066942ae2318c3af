using CallEvents.Storage.Sql;

namespace CallEvents.Tests.Infrastructure;

/// <summary>A test of glibc's heap (<c>malloc_trim</c>): skipped, with the reason, where there is none (not Linux, or another C library).</summary>
public sealed class GlibcFactAttribute : FactAttribute
{
    public GlibcFactAttribute()
    {
        if (!NativeHeapTrim.TryTrim())
        {
            Skip = "no glibc malloc_trim here (not Linux, or another C library)";
        }
    }
}
