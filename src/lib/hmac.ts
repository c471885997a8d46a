/**
 * @module HMAC under a list of keys: the first signs, any verifies. Through `node:crypto` where
 * the runtime has it (Node, Bun, Deno: found at run time, so bundlers and Workers never see an
 * import), through WebCrypto everywhere else or when asked to. Both give the same bytes. Internal.
 */
import { type HmacHash, hmacKey } from './keys.ts'

interface NodeCrypto {
  createHmac(
    algorithm: string,
    key: Uint8Array,
  ): { update(data: Uint8Array | string): { digest(): Uint8Array } }
  createHash(algorithm: string): { update(data: Uint8Array): { digest(): Uint8Array } }
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
}

const NODE_NAMES: Record<HmacHash, string> = {
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
}

function loadNodeCrypto(): NodeCrypto | undefined {
  const process = (globalThis as { process?: { getBuiltinModule?(id: string): unknown } }).process
  try {
    const module = process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
    return typeof module?.createHmac === 'function' ? module : undefined
  } catch {
    return undefined
  }
}

let nodeCrypto = loadNodeCrypto()

/** Uses `node:crypto` where there is one (`true`), or WebCrypto only (`false`). Internal, for tests. */
export function useNativeHmac(enabled: boolean): void {
  nodeCrypto = enabled ? loadNodeCrypto() : undefined
}

/** `node:crypto` when it is there and allowed, for codecs that derive keys themselves. */
export function nativeCrypto(webCrypto = false): NodeCrypto | undefined {
  return webCrypto ? undefined : nodeCrypto
}

/** What is signed: bytes, or text signed as its UTF-8 (node:crypto takes it without a copy). */
export type HmacData = Uint8Array<ArrayBuffer> | string

export interface HmacKeys {
  /** The tag of `data` under the newest key. */
  sign(data: HmacData): Uint8Array<ArrayBuffer> | Promise<Uint8Array<ArrayBuffer>>
  /** The index of the key that made `tag` for `data` (0 is the newest), or -1. */
  verify(tag: Uint8Array<ArrayBuffer>, data: HmacData): number | Promise<number>
}

const encoder = new TextEncoder()

/**
 * Keys are prepared on first use and kept by this codec instance, so a request costs no import
 * (WebCrypto) and no re-encoding of a secret (`node:crypto`). `secrets` may also be a loader, for
 * keys derived from the secret (itsdangerous, Django). With `webCrypto`, `node:crypto` is never used.
 */
export function hmacKeys(
  secrets:
    | readonly (string | Uint8Array<ArrayBuffer>)[]
    | (() => Promise<Uint8Array<ArrayBuffer>[]>),
  hash: HmacHash,
  webCrypto = false,
): HmacKeys {
  const load = (): Promise<Uint8Array<ArrayBuffer>[]> =>
    typeof secrets === 'function'
      ? secrets()
      : Promise.resolve(
          secrets.map((secret) =>
            typeof secret === 'string'
              ? (encoder.encode(secret) as Uint8Array<ArrayBuffer>)
              : secret,
          ),
        )
  const native = nativeCrypto(webCrypto)
  return native === undefined ? webCryptoKeys(load, hash) : nodeKeys(native, load, hash)
}

function nodeKeys(
  native: NodeCrypto,
  load: () => Promise<Uint8Array<ArrayBuffer>[]>,
  hash: HmacHash,
): HmacKeys {
  const algorithm = NODE_NAMES[hash]
  let raw: Uint8Array<ArrayBuffer>[] | undefined
  const ready = once(load, (keys) => {
    raw = keys
  })
  const mac = (key: Uint8Array, data: HmacData) =>
    native.createHmac(algorithm, key).update(data).digest() as Uint8Array<ArrayBuffer>
  const verify = (keys: Uint8Array[], tag: Uint8Array, data: HmacData): number => {
    for (let i = 0; i < keys.length; i++) {
      const expected = mac(keys[i]!, data)
      if (expected.length === tag.length && native.timingSafeEqual(expected, tag)) return i
    }
    return -1
  }
  return {
    sign: (data) =>
      raw === undefined ? ready().then((keys) => mac(keys[0]!, data)) : mac(raw[0]!, data),
    verify: (tag, data) =>
      raw === undefined ? ready().then((keys) => verify(keys, tag, data)) : verify(raw, tag, data),
  }
}

function webCryptoKeys(load: () => Promise<Uint8Array<ArrayBuffer>[]>, hash: HmacHash): HmacKeys {
  const ready = once(
    async () => Promise.all((await load()).map((secret) => hmacKey(secret, hash))),
    () => {},
  )
  return {
    async sign(data) {
      const [key] = await ready()
      return new Uint8Array(await crypto.subtle.sign('HMAC', key!, bytes(data)))
    },
    async verify(tag, data) {
      const keys = await ready()
      const message = bytes(data)
      for (let i = 0; i < keys.length; i++) {
        if (await crypto.subtle.verify('HMAC', keys[i]!, tag, message)) return i
      }
      return -1
    },
  }
}

function bytes(data: HmacData): Uint8Array<ArrayBuffer> {
  return typeof data === 'string' ? (encoder.encode(data) as Uint8Array<ArrayBuffer>) : data
}

/** One load shared by every caller; a load that fails is forgotten so the next request tries again. */
function once<T>(load: () => Promise<T>, done: (value: T) => void): () => Promise<T> {
  let loading: Promise<T> | undefined
  return () => {
    if (loading === undefined) {
      const current = load().then((value) => {
        done(value)
        return value
      })
      loading = current
      current.catch(() => {
        if (loading === current) loading = undefined
      })
    }
    return loading
  }
}
