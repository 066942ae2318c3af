using CallEvents.Accounts;
using CallEvents.Dispatch.Attempts;
using CallEvents.Dispatch.Queue;
using CallEvents.Dispatch.Signing;
using CallEvents.OAuth;
using CallEvents.PhoneCallEvents;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace CallEvents.Storage;

/// <summary>
/// The one database model. Each provider has its own subclass only so that each can own a
/// migrations set (<see cref="SqliteCallEventsDb"/>, <see cref="PostgresCallEventsDb"/>);
/// application code always asks for <see cref="CallEventsDb"/>.
/// </summary>
public abstract class CallEventsDb(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Extension> Extensions => Set<Extension>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<PhoneCallEvent> PhoneCallEvents => Set<PhoneCallEvent>();
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<AppSigningSecret> AppSigningSecrets => Set<AppSigningSecret>();

    /// <summary>The Data Protection key ring on PostgreSQL, sealed (Storage/Secrets/SecretsSetup.cs); SQLite keeps it in the data directory.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts");
            account.HasKey(a => a.Id);
            account.Property(a => a.Id).HasMaxLength(64);
            account.Property(a => a.ParentId).HasMaxLength(64);
            account.Property(a => a.OrganizationId).HasMaxLength(64);
            account.Property(a => a.Name).HasMaxLength(200);
            account.Property(a => a.OrganizationCode).HasMaxLength(4);
            account.Property(a => a.PasswordHash).HasMaxLength(200);
            account.HasIndex(a => a.OrganizationCode).IsUnique();
            account.HasIndex(a => a.ParentId);
            account.HasOne<Account>().WithMany().HasForeignKey(a => a.ParentId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Extension>(extension =>
        {
            extension.ToTable("extensions");
            extension.HasKey(e => e.Id);
            extension.Property(e => e.Number).HasMaxLength(8);
            extension.HasIndex(e => e.Number).IsUnique();
            extension.HasIndex(e => e.OwnerId);
            extension.HasOne<Account>().WithMany().HasForeignKey(e => e.OwnerId).OnDelete(DeleteBehavior.Restrict);
            extension.HasOne<Account>().WithMany().HasForeignKey(e => e.OrganizationId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<App>(app =>
        {
            app.ToTable("apps");
            app.HasKey(a => a.ClientId);
            app.Property(a => a.ClientId).HasMaxLength(100);
            app.Property(a => a.Name).HasMaxLength(200);
            app.HasIndex(a => a.AccountId);
            app.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<PhoneCallEvent>(pce =>
        {
            // The triggers keep extensions.event_count (Storage/EventCountTriggers.cs); declared so
            // that EF Core does not use RETURNING on this table where a provider forbids it with triggers.
            pce.ToTable("phone_call_events", table => EventCountTriggers.Declare(table));
            pce.HasKey(p => p.Id);
            pce.Property(p => p.Id).HasMaxLength(30);
            pce.Property(p => p.Url).HasMaxLength(2048);
            pce.Property(p => p.Note).HasMaxLength(1024);
            pce.Property(p => p.Modified).HasMaxLength(32);
            // Every query on the hot path is "events of this extension [of this type]", and the
            // list sorts by url, then id, within it.
            pce.HasIndex(p => new { p.ExtensionId, p.Type });
            // (url, id) is the List order itself, so a page is read in index order on both
            // providers, whatever plan a prepared statement gets (PostgreSQL's generic plan for
            // a parameterized LIMIT sorted the whole extension: bench/README.md).
            pce.HasIndex(p => new { p.ExtensionId, p.Url, p.Id });
            // The disabled events only (few): the sender's once-a-second sweep of their queued
            // deliveries (DeliveryQueue.CancelDisabledAsync) read every event without it, under
            // the write gate, which stalled every write for up to 0.7 s at 350,000 events.
            pce.HasIndex(p => p.Id).HasFilter("status = 0").HasDatabaseName("ix_phone_call_events_disabled");
            pce.HasOne<Extension>().WithMany().HasForeignKey(p => p.ExtensionId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ServerKey>(key =>
        {
            key.ToTable("server_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Id).HasMaxLength(64);
        });

        modelBuilder.UseOpenIddict();

        // Dispatch: the delivery queue, its log, the apps' signing secrets.
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
            // The claim reads pending rows in its order (due_at, seq); the purge reads finished
            // rows by age. Each is partial on the state, so that a delivery has an entry in one of
            // them at a time (its intake writes the first, its last attempt moves it to the
            // second) and the claim's index holds the queue, not every row kept for the log.
            // Ordering (a call's earlier pending delivery), replay and the cascade from a deleted
            // event look at one event's calls: (event_id, call_id), which no attempt changes.
            // Before, (state, due_at), (event_id, call_id, state) and (state, finished_at) were
            // four index entries at intake and six more changed per finished attempt, all written
            // inside SQLite's one writer (bench/README.md, Deliveries (session 5)).
            delivery.HasIndex(d => new { d.DueAt, d.Seq }).HasFilter("state = 0").HasDatabaseName("ix_deliveries_pending");
            delivery.HasIndex(d => new { d.EventId, d.CallId });
            delivery.HasIndex(d => d.FinishedAt).HasFilter("state <> 0").HasDatabaseName("ix_deliveries_finished");
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
            // Sealed (Storage/Secrets/SecretsKey.cs): a 50-character whsec_ secret takes 107.
            secret.Property(s => s.Secret).HasMaxLength(256);
            secret.Property(s => s.PreviousSecret).HasMaxLength(256);
            secret.HasOne<App>().WithMany().HasForeignKey(s => s.ClientId).OnDelete(DeleteBehavior.Cascade);
        });

        // Which app's signing secret signs an event's deliveries: the app that created it.
        modelBuilder.Entity<PhoneCallEvent>(pce =>
        {
            pce.Property(p => p.AppClientId).HasMaxLength(100);
            pce.HasOne<App>().WithMany().HasForeignKey(p => p.AppClientId).OnDelete(DeleteBehavior.SetNull);
        });

        StorageNaming.ApplySnakeCase(modelBuilder);
    }
}
