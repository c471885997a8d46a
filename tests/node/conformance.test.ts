/** Runs the conformance suite on the Node that runs it: `node --import tsx --test <this file>`. */
import { test } from 'node:test'
import { runnableCases } from '../harness.ts'
import '../suite/index.ts'

const runtime = `node${process.versions.node.split('.')[0]}`
for (const { name, fn } of runnableCases(runtime)) test(name, fn)
