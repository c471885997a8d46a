/** Sessions for any Web Fetch API handler. @module fetch-session */

export { adaptBackends } from './adapt-backends.ts'

export type { BearerAuthorizationOptions } from './authorization/bearer.ts'
export { bearerAuthorization } from './authorization/bearer.ts'
export type {
  CookieAuthorizationBackend,
  CookieAuthorizationOptions,
} from './authorization/cookie.ts'
export { cookieAuthorization } from './authorization/cookie.ts'
export type { HeaderAuthorizationOptions } from './authorization/header.ts'
export { headerAuthorization } from './authorization/header.ts'
export type {
  AuthorizationBackend,
  CodecBackend,
  DecodedSession,
  EncodedSession,
  PersistOptions,
  SessionBackends,
  SessionCodec,
  SessionData,
  SessionWrite,
  StorageBackend,
} from './backends.ts'
export type { DjangoCodecOptions } from './codecs/django.ts'
export { djangoCodec } from './codecs/django.ts'
export type { EncryptedCodecOptions } from './codecs/encrypted.ts'
export { encryptedCodec } from './codecs/encrypted.ts'
export type { ExpressSessionCodecOptions } from './codecs/express.ts'
export { expressSessionCodec } from './codecs/express.ts'
export type { FlaskCodecOptions } from './codecs/flask.ts'
export { flaskCodec } from './codecs/flask.ts'
export type {
  CryptoKeyShape,
  Jwk,
  JwsAlgorithm,
  JwtCodecOptions,
  JwtKey,
  WebCryptoKey,
} from './codecs/jwt.ts'
export { jwtCodec } from './codecs/jwt.ts'
export type { SignedCodecOptions } from './codecs/signed.ts'
export { signedCodec } from './codecs/signed.ts'
export type { StarletteCodecOptions } from './codecs/starlette.ts'
export { starletteCodec } from './codecs/starlette.ts'
export type { StoreCodec, StoreCodecOptions } from './codecs/store.ts'
export { storeCodec } from './codecs/store.ts'
export { cookie } from './cookie.ts'
export type { DecodeErrorReason, SessionErrorCode, SessionErrorOptions } from './errors.ts'
export { DecodeError, SessionError } from './errors.ts'
export type { JsonData, JsonSafe } from './session.ts'
export { Session } from './session.ts'
export type { CookieOptions, SameSite } from './storage/cookie.ts'
export { cookieStorage } from './storage/cookie.ts'
export type { HeaderStorageOptions } from './storage/header.ts'
export { headerStorage } from './storage/header.ts'
export type { KvNamespaceLike, KvStoreOptions } from './stores/cloudflare-kv.ts'
export { kvStore } from './stores/cloudflare-kv.ts'
export type { DenoKvAtomicLike, DenoKvLike, DenoKvStoreOptions } from './stores/deno-kv.ts'
export { denoKvStore } from './stores/deno-kv.ts'
export type {
  DurableObjectNamespaceLike,
  DurableObjectStoreOptions,
  DurableObjectStubLike,
} from './stores/durable-object.ts'
export { durableObjectStore } from './stores/durable-object.ts'
export type { MemoryStoreOptions } from './stores/memory.ts'
export { memoryStore } from './stores/memory.ts'
export type {
  BunRedisClient,
  RedisClusterClient,
  RedisCommandClient,
  RedisCommandOptions,
  RedisSentinelClient,
  RedisStoreOptions,
} from './stores/redis.ts'
export { redisStore } from './stores/redis.ts'
export type { DurableObjectStateLike, DurableObjectStorageLike } from './stores/session-object.ts'
export { SessionObject } from './stores/session-object.ts'
export type {
  SessionIndex,
  SessionStore,
  SessionSummary,
  StoreCall,
  StoreIndexEntry,
  StorePatch,
  StoreRecord,
} from './stores/types.ts'
export type { BackendsInit, SessionOptions } from './with-session.ts'
export { getSession, withSession } from './with-session.ts'
