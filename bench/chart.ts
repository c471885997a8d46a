/** A horizontal bar chart of the benchmark table as a hand-written SVG (no chart library). */

export interface ChartRow {
  label: string
  group: 'bare' | 'floor' | 'fetch-session' | 'peer'
  /** µs per request: the bar's length. */
  us: number
  /** Text after the value, such as `1.05× bare`. */
  note: string
}

const COLORS: Record<ChartRow['group'], string> = {
  bare: '#9aa3b5',
  floor: '#5f6b82',
  'fetch-session': '#3457d5',
  peer: '#e07a2f',
}
const LEGEND: [ChartRow['group'], string][] = [
  ['bare', 'no session'],
  ['floor', 'hand-written floor'],
  ['fetch-session', 'fetch-session'],
  ['peer', 'peer library'],
]

const escapeXml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)

/** A tick step of 1, 2, 2.5 or 5 times a power of ten, so that about five ticks cover `value`. */
function tickStep(value: number): number {
  const raw = value / 5
  const power = 10 ** Math.floor(Math.log10(raw))
  for (const step of [1, 2, 2.5, 5]) if (step * power >= raw) return step * power
  return 10 * power
}

export function chart(rows: ChartRow[], title: string, legend = LEGEND): string {
  const labelWidth = 250
  const plotWidth = 520
  const noteWidth = 150
  const bar = 16
  const gap = 6
  const top = 64
  const width = labelWidth + plotWidth + noteWidth
  const height = top + rows.length * (bar + gap) + 40
  const step = tickStep(Math.max(...rows.map((row) => row.us)))
  const ticks = Math.ceil(Math.max(...rows.map((row) => row.us)) / step)
  const max = step * ticks
  const scale = (us: number) => (us / max) * plotWidth
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12" role="img" aria-labelledby="chart-title">`,
    `<title id="chart-title">${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="14" font-weight="600" fill="#172033">${escapeXml(title)}</text>`,
  ]
  legend.forEach(([group, text], i) => {
    const lx = 12 + i * 160
    out.push(
      `<rect x="${lx}" y="34" width="12" height="12" fill="${COLORS[group]}"/>`,
      `<text x="${lx + 18}" y="44" fill="#172033">${text}</text>`,
    )
  })
  const axisY = top + rows.length * (bar + gap)
  for (let i = 0; i <= ticks; i++) {
    const tx = labelWidth + (plotWidth * i) / ticks
    out.push(
      `<line x1="${tx}" y1="${top - 4}" x2="${tx}" y2="${axisY}" stroke="#e3e7ef"/>`,
      `<text x="${tx}" y="${axisY + 16}" text-anchor="middle" fill="#64708a">${+(step * i).toFixed(2)} µs</text>`,
    )
  }
  rows.forEach((row, i) => {
    const y = top + i * (bar + gap)
    const length = Math.max(1, scale(row.us))
    out.push(
      `<text x="${labelWidth - 8}" y="${y + bar - 4}" text-anchor="end" fill="#172033">${escapeXml(row.label)}</text>`,
      `<rect x="${labelWidth}" y="${y}" width="${length.toFixed(1)}" height="${bar}" rx="2" fill="${COLORS[row.group]}"/>`,
      `<text x="${(labelWidth + length + 6).toFixed(1)}" y="${y + bar - 4}" fill="#172033">${row.us.toFixed(2)} µs${row.note ? ` · ${escapeXml(row.note)}` : ''}</text>`,
    )
  })
  out.push('</svg>')
  return `${out.join('\n')}\n`
}
