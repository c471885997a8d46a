/** Sessions for any Web Fetch API handler. @module fetch-session */

export type {
  AuthorizationBackend,
  CodecBackend,
  DecodedSession,
  DeviceKey,
  EncodedSession,
  PersistOptions,
  SessionBackends,
  SessionBinding,
  SessionCodec,
  SessionData,
  SessionWrite,
  StorageBackend,
} from './backends.ts'
export { FLASH_KEY } from './backends.ts'
export type {
  CodecFormat,
  DefineCodecOptions,
  KernelState,
  LifetimeRule,
  OpenedToken,
  ReadSession,
  SealedToken,
  SealStamp,
  TokenTimes,
} from './codecs/define-codec.ts'
export { defineCodec } from './codecs/define-codec.ts'
export type { DjangoCodecOptions } from './codecs/django.ts'
export { djangoCodec } from './codecs/django.ts'
export type { EncryptedCodecOptions } from './codecs/encrypted.ts'
export { encryptedCodec } from './codecs/encrypted.ts'
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
export { adaptBackends } from './core/adapt-backends.ts'
export type { JsonData, JsonSafe } from './core/session.ts'
export { Session } from './core/session.ts'
export type { BackendsInit, DeviceBoundOptions, SessionOptions } from './core/with-session.ts'
export { getSession, withSession } from './core/with-session.ts'
export type { DecodeErrorReason, SessionErrorCode, SessionErrorOptions } from './errors.ts'
export { DecodeError, SessionError } from './errors.ts'
export type {
  CodecContext,
  CodecEvent,
  SessionEvent,
  SessionEventType,
  StoreCallOutcome,
} from './events.ts'
export type { KvNamespaceLike, KvStoreOptions } from './server/cloudflare-kv.ts'
export { kvStore } from './server/cloudflare-kv.ts'
export type { DenoKvAtomicLike, DenoKvLike, DenoKvStoreOptions } from './server/deno-kv.ts'
export { denoKvStore } from './server/deno-kv.ts'
export type {
  DurableObjectNamespaceLike,
  DurableObjectStoreOptions,
  DurableObjectStubLike,
} from './server/durable-object.ts'
export { durableObjectStore } from './server/durable-object.ts'
export { expressSessionCodec } from './server/express.ts'
export type { ExpressSessionCodecOptions } from './server/express-options.ts'
export type { MemoryStoreOptions } from './server/memory.ts'
export { memoryStore } from './server/memory.ts'
export type {
  BunRedisClient,
  RedisClusterClient,
  RedisCommandClient,
  RedisCommandOptions,
  RedisSentinelClient,
  RedisStoreOptions,
  RedisSubscriber,
} from './server/redis.ts'
export { redisStore } from './server/redis.ts'
export type { DurableObjectStateLike, DurableObjectStorageLike } from './server/session-object.ts'
export { SessionObject } from './server/session-object.ts'
export type { StoreCodec, StoreCodecOptions } from './server/store-codec.ts'
export { storeCodec } from './server/store-codec.ts'
export type {
  SessionIndex,
  SessionStore,
  SessionSummary,
  StoreCall,
  StoreIndexEntry,
  StorePatch,
  StoreRecord,
} from './server/types.ts'
export type { UnstorageLike, UnstorageStoreOptions } from './server/unstorage.ts'
export { unstorageStore } from './server/unstorage.ts'
export type { BearerAuthorizationOptions } from './transports/bearer-authorization.ts'
export { bearerAuthorization } from './transports/bearer-authorization.ts'
export { cookie } from './transports/cookie.ts'
export type {
  CookieAuthorizationBackend,
  CookieAuthorizationOptions,
} from './transports/cookie-authorization.ts'
export { cookieAuthorization } from './transports/cookie-authorization.ts'
export type { CookieOptions, SameSite } from './transports/cookie-storage.ts'
export { cookieStorage } from './transports/cookie-storage.ts'
export type { HeaderAuthorizationOptions } from './transports/header-authorization.ts'
export { headerAuthorization } from './transports/header-authorization.ts'
export type { HeaderStorageOptions } from './transports/header-storage.ts'
export { headerStorage } from './transports/header-storage.ts'
