/** A long-lived Python helper process spoken to in JSON lines: one request, one answer, in order. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

export type Answer = Record<string, unknown>

export interface JsonLinesTool {
  ask(request: object): Promise<Answer>
  stop(): Promise<void>
}

export function jsonLinesTool(python: string, script: string): JsonLinesTool {
  const child = spawn(python, [script], { stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting: ((answer: Answer) => void)[] = []
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(JSON.parse(line)))
  return {
    ask(request) {
      return new Promise((resolve) => {
        waiting.push(resolve)
        child.stdin.write(`${JSON.stringify(request)}\n`)
      })
    },
    async stop() {
      child.stdin.end()
      if (child.exitCode === null) await once(child, 'exit')
    },
  }
}
