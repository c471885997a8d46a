/** @module Re-reading a Redis Cluster's slot map after a failover, for node-redis 5. Internal. */

interface Node {
  address?: string
  client?: NodeClient
}

interface NodeClient {
  isReady?: boolean
  sendCommand(args: string[], options?: { abortSignal?: AbortSignal }): Promise<unknown>
}

/** What redisStore reaches of node-redis 5's cluster client (`createCluster`). */
interface ClusterInternals {
  masters?: Node[]
  _slots?: { rediscover?: (startWith: NodeClient) => Promise<void> }
}

/** At most one check of the slot map per this many ms, however many commands fail meanwhile. */
const REFRESH_INTERVAL = 500

/** How long a live node has to answer `CLUSTER SLOTS`. */
const SLOTS_TIMEOUT = 1000

/**
 * node-redis re-reads the slot map only on a MOVED or ASK reply, which a dead master never sends:
 * after its replica is promoted, every command for its slots would still go to the dead address
 * until it came back. So on a command that fails without a reply (called at most every
 * `REFRESH_INTERVAL` ms), this asks a node that answers for `CLUSTER SLOTS`, and when the masters
 * there differ from the client's and include none it cannot reach, has node-redis re-read the map
 * from that node. Only then: node-redis waits for its new nodes to connect, so a re-read that
 * brought back the dead master (a node that has not heard of the promotion yet) would never end,
 * and every later one would wait behind it. A no-op for clients without that hook (node-redis 4,
 * ioredis: it refreshes on its own).
 */
export function clusterRefresh(client: unknown): () => void {
  const cluster = client as ClusterInternals
  const slots = cluster._slots
  if (typeof slots?.rediscover !== 'function' || !Array.isArray(cluster.masters)) return () => {}
  const rediscover = slots.rediscover.bind(slots)
  let last = Number.NEGATIVE_INFINITY
  let running = false
  return () => {
    const now = Date.now()
    if (running || now - last < REFRESH_INTERVAL) return
    last = now
    running = true
    check(cluster.masters ?? [], rediscover)
      .catch(() => undefined)
      .finally(() => {
        running = false
      })
  }
}

async function check(
  masters: Node[],
  rediscover: (start: NodeClient) => Promise<void>,
): Promise<void> {
  const known = new Set(masters.map((node) => node.address))
  const unreachable = new Set(masters.filter((n) => !n.client?.isReady).map((n) => n.address))
  const start = masters.find((node) => node.client?.isReady)?.client
  if (start === undefined || unreachable.size === 0) return
  const reply = await start.sendCommand(['CLUSTER', 'SLOTS'], {
    abortSignal: AbortSignal.timeout(SLOTS_TIMEOUT),
  })
  const owners = new Set(
    (reply as unknown[][]).map((range) => {
      const [host, port] = range[2] as unknown[]
      return `${host}:${port}`
    }),
  )
  const moved = [...owners].some((address) => !known.has(address))
  if (!moved || [...owners].some((address) => unreachable.has(address))) return
  // Not awaited: node-redis reports a failure as 'error', and the next failing command checks again.
  rediscover(start).catch(() => undefined)
}

/** Whether `error` is a reply from Redis (`ERR …`, `OOM …`, `NOSCRIPT …`): its node answered. */
export function isRedisReply(error: unknown): boolean {
  return /^[A-Z][A-Z_]+ /.test(String((error as Error | undefined)?.message))
}
