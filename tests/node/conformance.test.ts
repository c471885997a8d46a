import { test } from 'node:test'
import { cases } from '../harness.ts'
import '../suite/index.ts'

for (const { name, fn } of cases) test(name, fn)
