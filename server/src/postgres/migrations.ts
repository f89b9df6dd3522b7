/** One versioned schema change. Versions are appended, never edited once released. */
export interface Migration {
  version: number
  name: string
  sql: string
}

/**
 * The PostgreSQL schema of @rh/server, in order. Tables are unqualified, so they land in the
 * first schema of the connection's `search_path` (set it to isolate rh in its own schema).
 */
export const postgresMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'subscriptions, jobs and attempts',
    sql: `
      create table rh_subscriptions (
        id text primary key,
        owner text not null,
        target_url text not null,
        events text[] not null,
        status text not null check (status in ('active', 'paused', 'disabled')),
        metadata jsonb not null default '{}',
        secret text,
        consecutive_failures integer not null default 0,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      create index rh_subscriptions_owner_id on rh_subscriptions (owner, id);
      create table rh_subscription_events (
        owner text not null,
        event text not null,
        subscription_id text not null references rh_subscriptions (id) on delete cascade,
        primary key (owner, event, subscription_id)
      );
      create index rh_subscription_events_subscription on rh_subscription_events (subscription_id);
      create table rh_jobs (
        id text primary key,
        message_id text not null,
        subscription_id text not null,
        owner text not null,
        event text not null,
        body text not null,
        attempt integer not null,
        next_attempt_at bigint not null,
        created_at bigint not null,
        available_at bigint not null
      );
      create index rh_jobs_available_at on rh_jobs (available_at);
      create index rh_jobs_subscription on rh_jobs (subscription_id);
      create table rh_attempts (
        seq bigserial primary key,
        id text not null unique,
        subscription_id text not null,
        owner text not null,
        message_id text not null,
        event text not null,
        attempt integer not null,
        outcome text not null,
        response_status integer,
        error text,
        duration_ms integer not null,
        started_at timestamptz not null,
        next_attempt_at timestamptz
      );
      create index rh_attempts_subscription on rh_attempts (owner, subscription_id, seq);
    `,
  },
  {
    // The message log (issue 13). Every accepted notification is a row of rh_messages. A job row
    // stays after its delivery ends, with its final status: completing it is an UPDATE in the
    // same grouped statement as before, so no extra statement per delivery; its body is emptied
    // then (the message keeps the bytes). Only pending jobs are in the claim's index, ordered
    // as messages are, so replayed jobs due at the same time go out in message order; the dead
    // letters (failed, cancelled) have an index of their own, written only when one ends so. The
    // idempotency key is unique per owner while set (a key reused after its window is cleared
    // from the old message first). The jobs pending before this version get their messages
    // logged from themselves; jobs completed before it were deleted, their messages are gone.
    version: 2,
    name: 'message log, delivery statuses, previous secrets',
    sql: `
      create table rh_messages (
        id text primary key,
        owner text not null,
        event text not null,
        body text not null,
        created_at bigint not null,
        idempotency_key text
      );
      create index rh_messages_owner_created on rh_messages (owner, created_at desc, id desc);
      create index rh_messages_created on rh_messages (created_at);
      create unique index rh_messages_idempotency on rh_messages (owner, idempotency_key)
        where idempotency_key is not null;
      insert into rh_messages (id, owner, event, body, created_at)
        select distinct on (message_id) message_id, owner, event, body, created_at
        from rh_jobs order by message_id, created_at
        on conflict do nothing;
      alter table rh_jobs
        add column status text not null default 'pending'
          check (status in ('pending', 'delivered', 'failed', 'gone', 'cancelled')),
        add column updated_at bigint;
      update rh_jobs set updated_at = created_at;
      alter table rh_jobs alter column updated_at set not null;
      drop index rh_jobs_available_at;
      drop index rh_jobs_subscription;
      create index rh_jobs_due on rh_jobs (available_at, created_at, message_id)
        where status = 'pending';
      create index rh_jobs_subscription on rh_jobs (subscription_id, created_at desc, message_id desc);
      create index rh_jobs_dead on rh_jobs (subscription_id, created_at desc, message_id desc)
        where status in ('failed', 'cancelled');
      create index rh_jobs_message on rh_jobs (message_id, subscription_id);
      create index rh_attempts_message on rh_attempts (message_id);
      alter table rh_subscriptions
        add column previous_secret text,
        add column previous_secret_expires_at timestamptz;
    `,
  },
  {
    // Routing (issue 15): a subscription's payload filter (null: none). Patterns (`order.*`,
    // `*`) need no change: they are rows of rh_subscription_events like event names.
    version: 3,
    name: 'subscription filters',
    sql: `
      alter table rh_subscriptions add column filter jsonb;
    `,
  },
  {
    // Ordered delivery (issue 15): a subscription's `ordering` (null: none, 'fifo'), and each job
    // knows whether it is in its subscription's line (set at enqueue). The claim's index of due
    // jobs holds only unordered ones, so they are claimed exactly as before; the jobs of lines
    // have two small indexes of their own: by message order (the head of a line) and by
    // available_at (whether one of the line is in flight or waiting for its retry).
    version: 4,
    name: 'ordered delivery',
    sql: `
      alter table rh_subscriptions add column ordering text
        check (ordering is null or ordering = 'fifo');
      alter table rh_jobs add column fifo boolean not null default false;
      drop index rh_jobs_due;
      create index rh_jobs_due on rh_jobs (available_at, created_at, message_id)
        where status = 'pending' and not fifo;
      create index rh_jobs_line on rh_jobs (subscription_id, created_at, message_id)
        where status = 'pending' and fifo;
      create index rh_jobs_line_due on rh_jobs (subscription_id, available_at)
        where status = 'pending' and fifo;
    `,
  },
  {
    // The console (issue 16): the start of the receiver's response body an attempt keeps (null:
    // none, and for the attempts logged before this version).
    version: 5,
    name: 'attempt response excerpt',
    sql: `
      alter table rh_attempts add column response_excerpt text;
    `,
  },
]
