/** @module JSON text exactly as Python's `json.dumps` writes it. Internal. */

/**
 * `json.dumps(value)` with Python's defaults: separators `', '` and `': '`, `ensure_ascii=True`
 * (every code unit outside space..`~` as `\uXXXX`, so astral characters become surrogate pairs)
 * and Python's `repr` for floats. Which values are written follows `JSON.stringify` (`toJSON`,
 * `undefined` left out, non-finite numbers as `null`, a `BigInt` or a cycle throws), so the data
 * is the data every other codec would store; only its spelling changes.
 *
 * The output is rewritten from `JSON.stringify`'s instead of walking the value a second time:
 * its strings are already escaped, so only separators, non-ASCII characters and numbers change.
 */
export function pythonJsonDumps(value: unknown): string {
  const compact = JSON.stringify(value)
  if (compact === undefined) return 'null'
  let out = ''
  let i = 0
  while (i < compact.length) {
    const char = compact[i]!
    if (char === '"') {
      const end = stringEnd(compact, i)
      out += asciiString(compact.slice(i, end))
      i = end
    } else if (char === ',' || char === ':') {
      out += `${char} `
      i++
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      let end = i + 1
      while (end < compact.length && /[0-9eE.+-]/.test(compact[end]!)) end++
      out += pythonNumber(Number(compact.slice(i, end)))
      i = end
    } else {
      out += char
      i++
    }
  }
  return out
}

/** Index just past the closing quote of the JSON string that starts at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
  return i + 1
}

/** JSON.stringify already escapes what Python escapes below U+007F; the rest goes as `\uXXXX`. */
function asciiString(quoted: string): string {
  let out = ''
  let from = 0
  for (let i = 0; i < quoted.length; i++) {
    const code = quoted.charCodeAt(i)
    if (code >= 0x7f) {
      out += `${quoted.slice(from, i)}\\u${code.toString(16).padStart(4, '0')}`
      from = i + 1
    }
  }
  return from === 0 ? quoted : out + quoted.slice(from)
}

/**
 * A number as Python writes it. A whole number below 1e21 is written as digits, as
 * `JSON.stringify` does, so Python reads it as an int; anything else as `float.__repr__`: the shortest
 * round-trip digits (the same digits JavaScript picks), in fixed notation for decimal exponents
 * from -4 to 15, else as `d.ddde+XX` with at least two exponent digits.
 */
export function pythonNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value)
  const [mantissa, exp] = value.toExponential().split('e') as [string, string]
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace(/[-.]/g, '')
  const exponent = Number(exp)
  const sign = negative ? '-' : ''
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const power = Math.abs(exponent).toString().padStart(2, '0')
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${power}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  // Not a whole number, so some digits fall after the point.
  return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`
}
