/** The conformance suite on Node's portable paths: WebCrypto HMAC and base64url in JavaScript. */
import { test } from 'node:test'
import { runnableCases } from '../harness.ts'
import '../runners/portable.ts'
import '../suite/index.ts'

const runtime = `node${process.versions.node.split('.')[0]}-portable`
for (const { name, fn } of runnableCases(runtime)) test(name, fn)
