/**
 * Imported before the suite: the portable paths only, WebCrypto HMAC and base64url in JavaScript,
 * as on a runtime without `node:crypto` or native base64, so both paths run on every runtime.
 */
import { useNativeBase64 } from '../../src/lib/base64url.ts'
import { useNativeHmac } from '../../src/lib/hmac.ts'

useNativeHmac(false)
useNativeBase64(false)
