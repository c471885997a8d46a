/**
 * redisStore on node-redis's cluster client, on a 3-master, 3-replica Redis Cluster with 40 users
 * writing their sessions. A master killed with SIGKILL and never restarted: its replica is
 * promoted, and the dead master's users must be served by it within 3 s of the promotion. A live
 * reshard of 1000 slots between masters: every answer 200, no write lost. Prints one row of the fault table
 * per run.
 */
import assert from 'node:assert/strict'
import { after, describe, test } from 'node:test'
import { createClient, createCluster } from 'redis'
import { redisStore } from '../../src/index.ts'
import { type RedisCluster, redisCli, startCluster } from '../fixtures/redis-cluster.ts'
import { redisServerMissing } from '../fixtures/redis-server.ts'
import { idOf, storeApp } from '../fixtures/stores.ts'

const USERS = 40
const PAUSE = 50
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Defaults = Parameters<typeof createCluster>[0]['defaults']
/** The README's client options: fail at once while a node is unreachable, bounded reconnects. */
const RECOMMENDED: Defaults = {
  disableOfflineQueue: true,
  socket: { connectTimeout: 1000, reconnectStrategy: (n) => Math.min(n * 100, 1000) },
}

/** Every client a case opens, closed after the file whatever a case threw: none keeps it alive. */
const opened: { destroy(): void }[] = []

interface Answer {
  at: number
  status: number
  isNew: boolean
}

/** A cluster client, an app over it and USERS logged-in users. */
async function usersOn(cluster: RedisCluster, defaults: Defaults, timeout = 0.5) {
  const client = createCluster({ rootNodes: [{ url: cluster.nodes[0]!.url }], defaults })
  opened.push(client)
  client.on('error', () => {})
  await client.connect()
  const errors: string[] = []
  const app = storeApp(
    redisStore(client),
    { timeout },
    {
      onStoreError: (error) => {
        errors.push(String((error.cause as Error | undefined)?.message ?? error.message))
        return new Response('Service Unavailable', { status: 503 })
      },
    },
  )
  const jars: string[] = []
  for (let i = 0; i < USERS; i++) jars.push((await app.send(`/set?user=u${i}&n=0`)).jar)
  return { client, app, jars, errors }
}

/**
 * Every user writes n = 1, 2, … in turn, reading n first: a 200 that reads less than the last n
 * its user was answered 200 for has seen acknowledged writes rolled back (`lost`).
 */
function writers(app: ReturnType<typeof storeApp>, jars: string[]) {
  const answers: Answer[][] = jars.map(() => [])
  let lost = 0
  let running = true
  const users = jars.map(async (jar, i) => {
    let acked = 0
    for (let n = 1; running; n++) {
      const { response, body } = await app.send(`/set?n=${n}&get=n`, jar)
      answers[i]!.push({ at: Date.now(), status: response.status, isNew: body.isNew === true })
      if (response.status === 200 && !body.isNew) {
        lost += Math.max(0, acked - Number(body.got))
        acked = n
      }
      await wait(PAUSE)
    }
  })
  // A case that throws before stop() still ends the loops when the file's clients close.
  opened.unshift({
    destroy: () => {
      running = false
    },
  })
  return {
    answers,
    async stop() {
      running = false
      await Promise.all(users)
      return lost
    },
  }
}

describe('redisStore on Redis Cluster with replicas', { skip: redisServerMissing() }, () => {
  const clusters: RedisCluster[] = []
  after(async () => {
    for (const client of opened) {
      try {
        client.destroy()
      } catch {
        // Already closed by its case.
      }
    }
    for (const cluster of clusters) await cluster.stop()
  })

  for (const queue of ['the offline queue off', "node-redis's defaults"] as const) {
    test(`SIGKILL of a master (${queue}): its users are served by the promoted replica within 3 s, the dead node never returning`, async () => {
      const cluster = await startCluster({ replicas: 1 })
      clusters.push(cluster)
      await failover(cluster, queue, queue === 'the offline queue off' ? RECOMMENDED : {})
    })
  }

  test('a live reshard of 1000 slots, replicas present: every answer 200, nothing lost', async () => {
    const cluster = await startCluster({ replicas: 1 })
    clusters.push(cluster)
    const { client, app, jars, errors } = await usersOn(cluster, RECOMMENDED, 2)
    const masters = client.masters.map((node) => node.port)
    const [from, to] = await Promise.all(
      masters
        .slice(0, 2)
        .map(async (port) => (await redisCli(['-p', String(port), 'cluster', 'myid'])).trim()),
    )
    const owned = async () => {
      const nodes = await redisCli(['-p', String(masters[0]), 'cluster', 'nodes'])
      return [slotsOf(nodes, from!), slotsOf(nodes, to!)]
    }
    const before = await owned()
    const traffic = writers(app, jars)
    await wait(300)
    const started = Date.now()
    await redisCli([
      '--cluster',
      'reshard',
      `127.0.0.1:${masters[0]}`,
      '--cluster-from',
      from!,
      '--cluster-to',
      to!,
      '--cluster-slots',
      '1000',
      '--cluster-pipeline',
      '10',
      '--cluster-yes',
    ])
    const ms = Date.now() - started
    await wait(300)
    const lost = await traffic.stop()
    client.destroy()
    const all = traffic.answers.flat()
    const failed = all.filter((a) => a.status !== 200 || a.isNew).length
    console.log(
      `fault | cluster 3+3, live reshard of 1000 slots (${ms} ms), ${USERS} users | ` +
        `${failed} of ${all.length} answers not 200 | ${lost} acknowledged writes lost`,
      errors,
    )
    assert.deepEqual(await owned(), [before[0]! - 1000, before[1]! + 1000])
    assert.equal(failed, 0)
    assert.equal(lost, 0)
  })
})

/** How many slots node `id` serves, from a `CLUSTER NODES` reply. */
function slotsOf(nodes: string, id: string): number {
  const line = nodes.split('\n').find((text) => text.startsWith(`${id} `)) ?? ''
  return line
    .split(' ')
    .slice(8)
    .reduce((sum, range) => {
      const [first, last = first] = range.split('-').map(Number)
      return sum + last! - first! + 1
    }, 0)
}

async function failover(cluster: RedisCluster, queue: string, defaults: Defaults): Promise<void> {
  const { client, app, jars } = await usersOn(cluster, defaults)
  // The master that holds the first user's session, its replica, and the users it serves.
  const masterPortOf = async (jar: string) => {
    const key = `session:${idOf(jar)}`
    const slot = Number(await client.sendCommand(undefined, true, ['CLUSTER', 'KEYSLOT', key]))
    return client.slots[slot]!.master.port
  }
  const owners = await Promise.all(jars.map(masterPortOf))
  const victim = cluster.nodes.find((node) => node.port === owners[0])!
  // The master's own view of its replica: CLUSTER NODES may still show a replica in handshake,
  // without its address, for a moment after the cluster formed.
  let replicaPort = 0
  for (let tries = 0; replicaPort === 0 && tries < 100; tries++) {
    const info = await redisCli(['-p', String(victim.port), 'info', 'replication'])
    replicaPort = Number(/slave0:ip=[^,]*,port=(\d+),state=online/.exec(info)?.[1] ?? 0)
    if (replicaPort === 0) await wait(50)
  }
  assert.ok(replicaPort > 0, 'the master has an online replica')
  const shard = jars.flatMap((_, i) => (owners[i] === victim.port ? [i] : []))
  // Every session is on the replica before the kill.
  await redisCli(['-p', String(victim.port), 'wait', '1', '2000'])

  const traffic = writers(app, jars)
  await wait(500)
  const replica = createClient({ url: `redis://127.0.0.1:${replicaPort}` })
  opened.push(replica)
  replica.on('error', () => {})
  await replica.connect()
  const killed = Date.now()
  await victim.kill()
  let promoted = 0
  while (promoted === 0 && Date.now() - killed < 20_000) {
    const [role] = (await replica.sendCommand(['ROLE'])) as [string]
    if (role === 'master') promoted = Date.now()
    else await wait(20)
  }
  assert.ok(promoted > 0, 'the replica was promoted')
  // Long enough for every user of the shard to be served, or to show that they are not.
  await wait(4000)
  const lost = await traffic.stop()
  replica.destroy()
  client.destroy()

  const { answers } = traffic
  const served = shard.map((i) => {
    const first = answers[i]!.find((a) => a.at > promoted && a.status === 200 && !a.isNew)
    return first === undefined ? Number.POSITIVE_INFINITY : first.at - promoted
  })
  const late = shard.flatMap((i) =>
    answers[i]!.filter((a) => a.at > promoted + 3000 && a.status !== 200),
  )
  const failed = answers.flat().filter((a) => a.at > killed && a.status !== 200).length
  const total = answers.flat().filter((a) => a.at > killed).length
  const slowest = Math.max(...served)
  console.log(
    `fault | cluster 3+3, SIGKILL of a master, ${queue}, ${USERS} users (${shard.length} on it) | ` +
      `promoted ${promoted - killed} ms after the kill; its users served ${slowest} ms after ` +
      `the promotion | ${failed} of ${total} answers after the kill not 200, ` +
      `${lost} acknowledged writes lost`,
  )
  assert.ok(shard.length > 0)
  assert.ok(slowest <= 3000, `a user of the dead master waited ${slowest} ms after promotion`)
  assert.deepEqual(late, [], 'no failure more than 3 s after the promotion')
  // No user lost their session: no request after the kill started a new one.
  assert.deepEqual(
    answers.flat().filter((a) => a.isNew && a.status === 200),
    [],
  )
}

describe('when the cluster client re-reads its slot map', () => {
  /** A node-redis 5 cluster client whose commands fail as for a dead master at a:1. */
  function deadMaster(slotsReply: string[]) {
    let rediscovered = 0
    // CLUSTER SLOTS as a live node answers it: one range per master it names.
    const ranges = slotsReply.map((address, i) => {
      const [host, port] = address.split(':')
      return [i, i, [host, Number(port)]]
    })
    const live = { isReady: true, sendCommand: async () => ranges }
    const client = {
      masters: [
        { address: 'a:1', client: { isReady: false, sendCommand: async () => undefined } },
        { address: 'b:2', client: live },
      ],
      _slots: { rediscover: async () => void rediscovered++ },
      getSlotRandomNode: () => undefined,
      sendCommand: async () => {
        throw new Error('The client is offline')
      },
    }
    return { client, rediscovered: () => rediscovered }
  }

  for (const [reply, expected, why] of [
    [['a:1', 'b:2'], 0, 'the same masters: the replica is not promoted yet'],
    [['c:3', 'b:2'], 1, 'a new master, the dead one gone: the promotion happened'],
    [['c:3', 'a:1'], 0, 'the dead master still named: a node that has not heard yet'],
  ] as const) {
    test(`${why}: ${expected === 1 ? 'it re-reads' : 'it does not'}`, async () => {
      const { client, rediscovered } = deadMaster([...reply])
      await assert.rejects(redisStore(client as never).get('x'))
      await new Promise((resolve) => setImmediate(resolve))
      assert.equal(rediscovered(), expected)
    })
  }
})
