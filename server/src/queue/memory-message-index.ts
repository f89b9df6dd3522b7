import type { Page } from '../page'
import { SortedIdList } from '../store/sorted-id-list'
import type { DeliveryStatus, MessageRecord } from './message-log'

/** What the index needs of a delivery; the memory queue's job entries are these. */
export interface Delivery {
  id: string
  message_id: string
  subscription_id: string
  owner: string
  status: DeliveryStatus
  /** When the status last changed, in ms. */
  updated_at: number
  /** When its last attempt began (it was claimed), in ms: a completion's `updated_at`. */
  claimed_at: number
  /** Its logged message, or `null` for a job enqueued without one. */
  message: LoggedMessage<this> | null
  /** Its neighbours among the logged deliveries of its subscription, in message order. */
  olderSent: this | null
  newerSent: this | null
}

/** A logged message, its deliveries, and its place in the eviction order. */
export interface LoggedMessage<D extends Delivery> extends MessageRecord {
  deliveries: D[]
  /** How many of its deliveries are `pending`: it is dropped only at 0. */
  pending: number
  /** Out of the eviction order while it has pending deliveries (it reached the front). */
  held: boolean
  inOrder: boolean
  older: LoggedMessage<D> | null
  newer: LoggedMessage<D> | null
}

/** The deliveries one subscription was sent, linked through them in message order. */
interface SubscriptionLog<D> {
  oldest: D | null
  newest: D | null
}

/** Options of {@link createMessageIndex}. */
export interface MessageIndexOptions<D extends Delivery> {
  /** Messages kept before `evict` drops the oldest whose deliveries are all final. */
  maxMessages: number
  /** Called for each message dropped, after it left the index: `pruned`, or evicted. */
  onDrop(message: LoggedMessage<D>, pruned: boolean): void
}

/**
 * The message log of the memory queue: messages by id, by owner (a {@link SortedIdList}, for
 * newest-first pages) and by idempotency key; deliveries by subscription, in a list linked
 * through the deliveries in message order (O(1) to add and to drop on the delivery hot path,
 * where a map and a sorted list per subscription cost more than the rest of a delivery). Messages also sit in an eviction order, oldest first: `prune` and `evict` take from its
 * front, and a message found there with a pending delivery is set aside (`held`) until its last
 * delivery settles, when it goes back to the front, so neither ever rescans what it cannot drop.
 * Messages are assumed to arrive roughly in `created_at` order (one process's clock): `prune`
 * stops at the first message at or after `before`.
 *
 * @example
 * const log = createMessageIndex<Entry>({ maxMessages: 100_000, onDrop: () => {} })
 * log.add(message)
 * log.attach(log.get(message.id), entry)
 */
export function createMessageIndex<D extends Delivery>(options: MessageIndexOptions<D>) {
  const messages = new Map<string, LoggedMessage<D>>()
  const byOwner = new Map<string, SortedIdList>()
  const byKey = new Map<string, Map<string, LoggedMessage<D>>>()
  const bySubscription = new Map<string, SubscriptionLog<D>>()
  let oldest: LoggedMessage<D> | null = null
  let newest: LoggedMessage<D> | null = null

  function append(message: LoggedMessage<D>) {
    message.older = newest
    message.newer = null
    if (newest) newest.newer = message
    else oldest = message
    newest = message
    message.inOrder = true
  }

  function prepend(message: LoggedMessage<D>) {
    message.newer = oldest
    message.older = null
    if (oldest) oldest.older = message
    else newest = message
    oldest = message
    message.inOrder = true
  }

  function unorder(message: LoggedMessage<D>) {
    if (!message.inOrder) return
    const { older, newer } = message
    if (older) older.newer = newer
    else oldest = newer
    if (newer) newer.older = older
    else newest = older
    message.older = null
    message.newer = null
    message.inOrder = false
  }

  function drop(message: LoggedMessage<D>, pruned: boolean) {
    unorder(message)
    messages.delete(message.id)
    const owned = byOwner.get(message.owner)
    owned?.remove(message.id)
    if (owned?.size === 0) byOwner.delete(message.owner)
    if (message.idempotency_key !== null) {
      const keys = byKey.get(message.owner)
      if (keys?.get(message.idempotency_key) === message) {
        keys.delete(message.idempotency_key)
        if (keys.size === 0) byKey.delete(message.owner)
      }
    }
    for (const delivery of message.deliveries) unlist(delivery)
    options.onDrop(message, pruned)
  }

  /** Takes the oldest message off the order: dropped when settled, else held. */
  function takeOldest(message: LoggedMessage<D>, pruned: boolean): boolean {
    unorder(message)
    if (message.pending > 0) {
      message.held = true
      return false
    }
    drop(message, pruned)
    return true
  }

  function logOf(subscriptionId: string): SubscriptionLog<D> {
    let log = bySubscription.get(subscriptionId)
    if (!log) {
      log = { oldest: null, newest: null }
      bySubscription.set(subscriptionId, log)
    }
    return log
  }

  /** Links `delivery` into its subscription's list just before `next` (at the end when `null`). */
  function listBefore(log: SubscriptionLog<D>, delivery: D, next: D | null) {
    const prev = next ? next.olderSent : log.newest
    delivery.olderSent = prev
    delivery.newerSent = next
    if (prev) prev.newerSent = delivery
    else log.oldest = delivery
    if (next) next.olderSent = delivery
    else log.newest = delivery
  }

  function unlist(delivery: D) {
    const log = bySubscription.get(delivery.subscription_id)
    if (!log) return
    const { olderSent, newerSent } = delivery
    if (olderSent) olderSent.newerSent = newerSent
    else log.oldest = newerSent
    if (newerSent) newerSent.olderSent = olderSent
    else log.newest = olderSent
    delivery.olderSent = null
    delivery.newerSent = null
    if (log.oldest === null) bySubscription.delete(delivery.subscription_id)
  }

  /** The subscription's delivery of a message, if it has one: O(its deliveries). */
  function deliveryOf(message: LoggedMessage<D>, subscriptionId: string): D | undefined {
    for (const delivery of message.deliveries) {
      if (delivery.subscription_id === subscriptionId) return delivery
    }
    return undefined
  }

  function evict() {
    while (messages.size > options.maxMessages && oldest) takeOldest(oldest, false)
  }

  return {
    get: (id: string) => messages.get(id),

    /** The owner's latest message with the idempotency key of `message`, if it has one. */
    byKey(message: MessageRecord) {
      if (message.idempotency_key === null) return undefined
      return byKey.get(message.owner)?.get(message.idempotency_key)
    },

    /** Logs a copy of `message` (nothing when its id is logged already). */
    add(message: MessageRecord) {
      if (messages.has(message.id)) return
      const logged: LoggedMessage<D> = {
        id: message.id,
        owner: message.owner,
        event: message.event,
        body: message.body,
        created_at: message.created_at,
        idempotency_key: message.idempotency_key,
        deliveries: [],
        pending: 0,
        held: false,
        inOrder: false,
        older: null,
        newer: null,
      }
      messages.set(logged.id, logged)
      let owned = byOwner.get(logged.owner)
      if (!owned) {
        owned = new SortedIdList()
        byOwner.set(logged.owner, owned)
      }
      owned.insert(logged.id)
      if (logged.idempotency_key !== null) {
        let keys = byKey.get(logged.owner)
        if (!keys) {
          keys = new Map()
          byKey.set(logged.owner, keys)
        }
        keys.set(logged.idempotency_key, logged)
      }
      append(logged)
    },

    /**
     * Records `delivery` (its `message` is `message`) as one of the message's deliveries. O(1)
     * for a delivery of a message newer than the subscription's others, as fresh ones are.
     */
    attach(message: LoggedMessage<D>, delivery: D) {
      message.deliveries.push(delivery)
      if (delivery.status === 'pending') message.pending++
      const log = logOf(delivery.subscription_id)
      let next: D | null = null
      for (let at = log.newest; at && at.message_id > delivery.message_id; at = at.olderSent) {
        next = at
      }
      listBefore(log, delivery, next)
    },

    /**
     * Records new deliveries of older messages to one subscription (a replay of what it never
     * got), sorted by message id: one merge pass over its list, not one walk each.
     */
    attachSorted(subscriptionId: string, deliveries: ReadonlyArray<[LoggedMessage<D>, D]>) {
      const log = logOf(subscriptionId)
      let next = log.oldest
      for (const [message, delivery] of deliveries) {
        message.deliveries.push(delivery)
        if (delivery.status === 'pending') message.pending++
        while (next && next.message_id < delivery.message_id) next = next.newerSent
        listBefore(log, delivery, next)
      }
    },

    /** One of the message's deliveries became final. */
    settled(message: LoggedMessage<D>) {
      message.pending--
      if (message.pending > 0 || !message.held) return
      message.held = false
      prepend(message)
      evict()
    },

    /** One of the message's deliveries became pending again. */
    unsettled(message: LoggedMessage<D>) {
      message.pending++
    },

    /** Drops the oldest settled messages while more than `maxMessages` are logged. */
    evict,

    /** Drops up to `limit` settled messages created before `before`, oldest first. */
    prune(before: number, limit: number): number {
      let dropped = 0
      while (dropped < limit && oldest && oldest.created_at < before) {
        if (takeOldest(oldest, true)) dropped++
      }
      return dropped
    },

    /** The delivery of a message to a subscription, if it has one. */
    delivery(subscriptionId: string, messageId: string) {
      const message = messages.get(messageId)
      return message && deliveryOf(message, subscriptionId)
    },

    /** A newest-first page of the owner's messages that pass `filter`. */
    messagesOf(
      owner: string,
      cursor: string | undefined,
      limit: number,
      filter: (message: LoggedMessage<D>) => boolean,
    ): Page<LoggedMessage<D>> {
      return walk(byOwner.get(owner), cursor, limit, (id) => {
        const message = messages.get(id) as LoggedMessage<D>
        return filter(message) ? message : undefined
      })
    },

    /**
     * A newest-first (by message) page of the subscription's deliveries that pass `filter`; the
     * cursor is the message id of the last.
     */
    deliveriesOf(
      subscriptionId: string,
      cursor: string | undefined,
      limit: number,
      filter: (delivery: D) => boolean,
    ): Page<D> {
      let at = bySubscription.get(subscriptionId)?.newest ?? null
      if (cursor !== undefined) {
        const last = messages.get(cursor)
        const found = last && deliveryOf(last, subscriptionId)
        if (found) at = found.olderSent
        // Its message was dropped meanwhile: skip down to below it.
        else while (at && at.message_id >= cursor) at = at.olderSent
      }
      const items: D[] = []
      for (; at; at = at.olderSent) {
        if (!filter(at)) continue
        if (items.length === limit) return { items, nextCursor: items.at(-1)?.message_id ?? null }
        items.push(at)
      }
      return { items, nextCursor: null }
    },

    /** Visits the subscription's deliveries in message order. */
    forEachDelivery(subscriptionId: string, visit: (delivery: D) => void) {
      let at = bySubscription.get(subscriptionId)?.oldest ?? null
      while (at) {
        const next: D | null = at.newerSent
        visit(at)
        at = next
      }
    },

    /** Visits the owner's messages in order. */
    forEachMessage(owner: string, visit: (message: LoggedMessage<D>) => void) {
      byOwner.get(owner)?.forEach((id) => {
        visit(messages.get(id) as LoggedMessage<D>)
      })
    },
  }
}

/**
 * A newest-first page of the items of `ids` below `cursor` that `resolve` keeps (it answers
 * `undefined` for the others); the cursor of the next page is the id of the last item.
 */
function walk<T>(
  ids: SortedIdList | undefined,
  cursor: string | undefined,
  limit: number,
  resolve: (id: string) => T | undefined,
): Page<T> {
  const items: T[] = []
  if (!ids) return { items, nextCursor: null }
  const batch = Math.max(64, limit + 1)
  let last = cursor
  let from = cursor
  for (;;) {
    const page = ids.below(from, batch)
    for (const id of page.ids) {
      const item = resolve(id)
      if (item === undefined) continue
      if (items.length === limit) return { items, nextCursor: last ?? null }
      items.push(item)
      last = id
    }
    if (!page.more) return { items, nextCursor: null }
    from = page.ids[page.ids.length - 1]
  }
}
