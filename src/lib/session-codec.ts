/** @module The shape the codecs of the 0.2 contract return, with both methods pairs present. Internal. */
import type { DecodedSession, EncodedSession, SessionData, SessionWrite } from '../backends.ts'

/** A codec that implements `decodeSession` and `encodeSession` beside `decode` and `encode`. */
export interface SessionCodec {
  encode(data: SessionData): Promise<string>
  decode(token: string): Promise<SessionData>
  decodeSession(token: string): Promise<DecodedSession>
  encodeSession(data: SessionData, write: SessionWrite): Promise<EncodedSession>
  createId?(): string
  destroy?(token: string): Promise<void>
  readonly reportsStart?: boolean
}
