/** @module The shape the codecs of the 0.2 contract return, with both methods pairs present. Internal. */
import type {
  CodecBackend,
  DecodedSession,
  EncodedSession,
  SessionData,
  SessionWrite,
} from '../backends.ts'

/** A codec that implements `decodeSession` and `encodeSession` beside `decode` and `encode`. */
export type SessionCodec = Pick<CodecBackend, 'destroy'> & {
  encode(data: SessionData): Promise<string>
  decode(token: string): Promise<SessionData>
  decodeSession(token: string): Promise<DecodedSession>
  encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession>
  createId?(): string
  readonly reportsStart?: boolean
}
