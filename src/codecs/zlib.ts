/** @module zlib streams (RFC 1950) through CompressionStream, as Python's `zlib` writes them. Internal. */
import { DecodeError } from '../errors.ts'

/**
 * The most a compressed session may grow to: far beyond what a 4 KiB cookie holds uncompressed,
 * far below what a small forged stream could claim (deflate reaches about 1000:1).
 */
const MAX_INFLATED = 1 << 20

/** `zlib.compress(bytes)`: a zlib stream. The bytes may differ from Python's; any zlib reads them. */
export async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream('deflate'))
  return new Uint8Array(await new Response(stream).arrayBuffer())
}

/** `zlib.decompress(bytes)`, refusing a broken stream or one that inflates past the limit. */
export async function inflate(bytes: Uint8Array): Promise<Uint8Array> {
  const reader = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new DecompressionStream('deflate'))
    .getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.length
      if (size > MAX_INFLATED) {
        await reader.cancel()
        throw new DecodeError('malformed', 'compressed session payload is too large')
      }
      chunks.push(value)
    }
  } catch (cause) {
    if (cause instanceof DecodeError) throw cause
    throw new DecodeError('malformed', 'compressed session payload is not zlib', { cause })
  }
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}
