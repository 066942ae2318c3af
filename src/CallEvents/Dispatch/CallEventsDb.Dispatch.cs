using CallEvents.Dispatch;
using CallEvents.OAuth;
using CallEvents.PhoneCallEvents;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage;

/// <summary>The Dispatch feature's tables: the delivery queue, its log, the apps' signing secrets.</summary>
public abstract partial class CallEventsDb
{
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<AppSigningSecret> AppSigningSecrets => Set<AppSigningSecret>();

    partial void OnModelCreatingDispatch(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Delivery>(delivery =>
        {
            delivery.ToTable("deliveries");
            delivery.HasKey(d => d.Seq);
            delivery.Property(d => d.Seq).ValueGeneratedOnAdd();
            delivery.Property(d => d.Id).HasMaxLength(24);
            delivery.HasIndex(d => d.Id).IsUnique();
            delivery.Property(d => d.EventId).HasMaxLength(30);
            delivery.Property(d => d.CallId).HasMaxLength(256);
            delivery.Property(d => d.Kind).HasMaxLength(16);
            delivery.Property(d => d.LeaseOwner).HasMaxLength(128);
            // The claim scans due pending rows; ordering and replay look at one event's calls.
            delivery.HasIndex(d => new { d.State, d.DueAt });
            delivery.HasIndex(d => new { d.EventId, d.CallId, d.State });
            delivery.HasIndex(d => new { d.State, d.FinishedAt });
            // Deleting a PhoneCallEvent deletes its queued deliveries in the same statement:
            // nothing of a deleted event can be claimed after the DELETE commits.
            delivery.HasOne<PhoneCallEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<DeliveryAttempt>(attempt =>
        {
            attempt.ToTable("delivery_attempts");
            attempt.HasKey(a => a.Seq);
            attempt.Property(a => a.Seq).ValueGeneratedOnAdd();
            attempt.Property(a => a.EventId).HasMaxLength(30);
            attempt.Property(a => a.Error).HasMaxLength(512);
            attempt.HasIndex(a => new { a.EventId, a.Seq });
            attempt.HasIndex(a => new { a.EventId, a.AttemptedAt });
            attempt.HasIndex(a => a.AttemptedAt);
            attempt.HasOne<Delivery>().WithMany().HasForeignKey(a => a.DeliverySeq).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<AppSigningSecret>(secret =>
        {
            secret.ToTable("app_signing_secrets");
            secret.HasKey(s => s.ClientId);
            secret.Property(s => s.ClientId).HasMaxLength(100);
            secret.Property(s => s.Secret).HasMaxLength(100);
            secret.Property(s => s.PreviousSecret).HasMaxLength(100);
            secret.HasOne<App>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        // Which app's signing secret signs an event's deliveries: the app that created it.
        modelBuilder.Entity<PhoneCallEvent>(pce =>
        {
            pce.Property(p => p.AppClientId).HasMaxLength(100);
            pce.HasOne<App>().WithMany().HasForeignKey(p => p.AppClientId).OnDelete(DeleteBehavior.SetNull);
        });
    }
}
