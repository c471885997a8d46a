/**
 * redisStore on node-redis's cluster client when a master dies: a 3-master, 3-replica Redis
 * Cluster, 40 users writing their sessions, one master killed with SIGKILL and never restarted.
 * Its replica is promoted; the dead master's users must be served by it within 3 s of the
 * promotion. Prints one row of the fault table.
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

interface Answer {
  at: number
  status: number
  isNew: boolean
}

describe('redisStore on Redis Cluster when a master dies', { skip: redisServerMissing() }, () => {
  const clusters: RedisCluster[] = []
  after(async () => {
    for (const cluster of clusters) await cluster.stop()
  })

  for (const queue of ['the offline queue off', "node-redis's defaults"] as const) {
    test(`SIGKILL of a master (${queue}): its users are served by the promoted replica within 3 s, the dead node never returning`, async () => {
      const cluster = await startCluster({ replicas: 1 })
      clusters.push(cluster)
      await failover(cluster, queue)
    })
  }
})

async function failover(cluster: RedisCluster, queue: string): Promise<void> {
  const client = createCluster({
    rootNodes: [{ url: cluster.nodes[0]!.url }],
    // The README's client options: fail at once while a node is unreachable, bounded reconnects.
    defaults:
      queue === 'the offline queue off'
        ? {
            disableOfflineQueue: true,
            socket: { connectTimeout: 1000, reconnectStrategy: (n) => Math.min(n * 100, 1000) },
          }
        : {},
  })
  client.on('error', () => {})
  await client.connect()
  const app = storeApp(redisStore(client), { timeout: 0.5 })
  const jars: string[] = []
  for (let i = 0; i < USERS; i++) jars.push((await app.send(`/set?user=u${i}&n=0`)).jar)

  // The master that holds the first user's session, its replica, and the users it serves.
  const masterPortOf = async (jar: string) => {
    const key = `session:${idOf(jar)}`
    const slot = Number(await client.sendCommand(undefined, true, ['CLUSTER', 'KEYSLOT', key]))
    return client.slots[slot]!.master.port
  }
  const owners = await Promise.all(jars.map(masterPortOf))
  const victim = cluster.nodes.find((node) => node.port === owners[0])!
  const victimId = (await redisCli(['-p', String(victim.port), 'cluster', 'myid'])).trim()
  const nodesText = await redisCli(['-p', String(victim.port), 'cluster', 'nodes'])
  const replicaLine = nodesText.split('\n').find((line) => line.includes(` slave ${victimId}`))!
  const replicaPort = Number(/:(\d+)@/.exec(replicaLine)![1])
  const shard = jars.flatMap((_, i) => (owners[i] === victim.port ? [i] : []))
  // Every session is on the replica before the kill.
  await redisCli(['-p', String(victim.port), 'wait', '1', '2000'])

  const answers: Answer[][] = jars.map(() => [])
  let running = true
  const users = jars.map(async (jar, i) => {
    for (let n = 1; running; n++) {
      const { response, body } = await app.send(`/set?n=${n}`, jar)
      answers[i]!.push({ at: Date.now(), status: response.status, isNew: body.isNew === true })
      await wait(PAUSE)
    }
  })
  await wait(500)
  const replica = createClient({ url: `redis://127.0.0.1:${replicaPort}` })
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
  running = false
  await Promise.all(users)
  replica.destroy()
  client.destroy()

  const served = shard.map((i) => {
    const first = answers[i]!.find((a) => a.at > promoted && a.status === 200 && !a.isNew)
    return first === undefined ? Number.POSITIVE_INFINITY : first.at - promoted
  })
  const after503 = shard.map((i) =>
    answers[i]!.filter((a) => a.at > promoted + 3000 && a.status !== 200),
  )
  const failed = answers.flat().filter((a) => a.at > killed && a.status !== 200).length
  const total = answers.flat().filter((a) => a.at > killed).length
  const slowest = Math.max(...served)
  console.log(
    `fault | cluster 3+3, SIGKILL of a master, ${queue}, ${USERS} users (${shard.length} on it) | ` +
      `promoted ${promoted - killed} ms after the kill; its users served ${slowest} ms after ` +
      `the promotion | ${failed} of ${total} answers after the kill not 200`,
  )
  assert.ok(shard.length > 0)
  assert.ok(slowest <= 3000, `a user of the dead master waited ${slowest} ms after promotion`)
  assert.deepEqual(after503.flat(), [], 'no failure more than 3 s after the promotion')
  // No user lost their session: no request after the kill started a new one.
  assert.deepEqual(
    answers.flat().filter((a) => a.isNew && a.status === 200),
    [],
  )
}
