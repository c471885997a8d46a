/** @module redisStore's revocations over Redis pub/sub: one channel, every process. Internal. */
import { configError } from '../lib/options.ts'
import type { RedisRun } from './redis-commands.ts'
import type { SessionStore, StoreCall } from './types.ts'

/**
 * A client in subscriber mode: node-redis's `client.duplicate()` once connected, Bun's
 * `RedisClient`, or any object whose `subscribe(channel, listener)` calls `listener(message)`.
 */
export interface RedisSubscriber {
  subscribe(channel: string, listener: (message: string) => void): unknown
}

/**
 * `revoke` publishes on `channel` (PUBLISH reaches every node of a cluster); `onRevoke` listens
 * through `subscriber`, when there is one. Without it this process hears nothing, and a snapshot
 * revoked elsewhere ends with its window.
 */
export function redisRevocations(
  run: RedisRun,
  channel: string,
  subscriber: RedisSubscriber | undefined,
): Pick<SessionStore, 'revoke' | 'onRevoke'> {
  if (subscriber !== undefined && typeof subscriber?.subscribe !== 'function') {
    configError('redisStore', 'subscriber must be a client with subscribe(channel, listener)')
  }
  return {
    async revoke(ids: string[], call?: StoreCall): Promise<void> {
      await run(channel, ['PUBLISH', channel, ids.join(' ')], call?.signal)
    },
    onRevoke(listener: (ids: string[]) => void): void {
      if (subscriber === undefined) return
      const subscribed = subscriber.subscribe(channel, (message) =>
        listener(String(message).split(' ').filter(Boolean)),
      )
      // A subscription that fails leaves the bound at the snapshot window; the client reports it.
      if (subscribed instanceof Promise) subscribed.catch(() => undefined)
    },
  }
}
