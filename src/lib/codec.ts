/** @module A codec from its session methods: `encode` and `decode` follow from them. Internal. */
import type {
  DecodedSession,
  EncodedSession,
  SessionCodec,
  SessionData,
  SessionWrite,
} from '../backends.ts'

export type { SessionCodec }

/** Adds the one-argument `encode` and `decode` that every codec offers on its own. */
export function sessionCodec<Extra extends object>(
  methods: {
    decodeSession(token: string): Promise<DecodedSession>
    encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession>
  } & Extra,
): SessionCodec & Extra {
  return {
    ...methods,
    async encode(data: SessionData): Promise<string> {
      return (await methods.encodeSession(data, {})).token
    },
    async decode(token: string): Promise<SessionData> {
      return (await methods.decodeSession(token)).data
    },
  }
}
