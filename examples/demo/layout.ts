/** The demo page's frame: styles, header and favicon. */

/** The demo's icon, served as `/favicon.svg` and `/favicon.ico`. */
export const FAVICON: string =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">' +
  '<rect width="32" height="32" rx="7" fill="#172033"/>' +
  '<path d="M9 13a7 7 0 0 1 14 0v2h1.5v11h-17V15H9zm3 2h8v-2a4 4 0 0 0-8 0z" fill="#8fa8ff"/></svg>'

/** The page around `main`: the header, the styles (readable down to 375 px), the favicon. */
export function layout(main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fetch-session demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<style>
  :root { --ink: #172033; --muted: #64708a; --line: #e3e7ef; --accent: #3457d5; }
  * { box-sizing: border-box; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: var(--ink);
    background: linear-gradient(180deg, #eef1f8 0, #f7f8fb 18rem); }
  header { background: var(--ink); color: #fff; padding: 1.4rem 0 1.6rem; }
  header p { margin: .2rem 0 0; color: #b8c2da; }
  .wrap { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
  h1 { font-size: 1.5rem; margin: 0; letter-spacing: -.01em; }
  h1 span { color: #8fa8ff; }
  h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
    margin: 0 0 .75rem; }
  main.wrap { padding-top: 1.5rem; padding-bottom: 3rem; }
  .grid { display: grid; grid-template-columns: 1fr 1.6fr; gap: 1rem; margin-bottom: 1rem; }
  .grid > .card { margin-bottom: 0; }
  @media (max-width: 40rem) { .grid { grid-template-columns: 1fr; } }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 14px; padding: 1.2rem 1.4rem;
    margin-bottom: 1rem; box-shadow: 0 1px 2px rgba(23,32,51,.04); }
  .notice { background: #e6f6ec; color: #14532d; border: 1px solid #b7e4c7; border-radius: 12px;
    padding: .75rem 1rem; margin-bottom: 1rem; font-weight: 500; }
  .count { font-size: 3.2rem; font-weight: 700; line-height: 1; color: var(--accent); }
  .meta { color: var(--muted); font-size: .88rem; margin: .6rem 0 0; }
  .who { margin: 0 0 .9rem; }
  .stack { display: grid; gap: .4rem; margin-bottom: .8rem; }
  .row { display: flex; gap: .5rem; }
  label { font-size: .9rem; color: var(--muted); }
  input, textarea { font: inherit; padding: .5rem .65rem; border: 1px solid #c9d0dd; border-radius: 9px;
    width: 100%; background: #fbfcfe; }
  textarea { resize: vertical; min-height: 4.5rem; }
  button { font: inherit; font-weight: 600; padding: .5rem 1.1rem; border: 0; border-radius: 9px;
    background: var(--accent); color: #fff; cursor: pointer; white-space: nowrap; }
  button.quiet { background: #eef1f6; color: var(--ink); }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .35rem 1.2rem; margin: 0 0 1rem; }
  dt { color: var(--muted); } dd { margin: 0; min-width: 0; overflow-wrap: break-word; }
  dd code, .attr { white-space: nowrap; } dd code.id { white-space: normal; overflow-wrap: anywhere; }
  .attr:not(:last-child)::after { content: "\\00a0·"; }
  @media (max-width: 30rem) {
    .wrap { padding: 0 .9rem; } .card { padding: 1rem; }
    dl { grid-template-columns: 1fr; gap: 0; } dd { margin-bottom: .5rem; }
    .row { flex-wrap: wrap; } .row input { flex: 1 1 10rem; }
  }
  .notice.warn { background: #fff6e0; color: #6b4500; border-color: #f1d9a0; }
  #devices { margin: 0 0 .8rem; padding-left: 1.1rem; } #devices .meta { margin-left: .5rem; }
  code { font: .9em ui-monospace, "SFMono-Regular", Menlo, monospace; }
  pre { background: var(--ink); color: #e6eaf3; padding: 1rem 1.1rem; border-radius: 10px;
    overflow: auto; margin: 0; font: .88rem/1.5 ui-monospace, "SFMono-Regular", Menlo, monospace; }
  .error { border-color: #f3c4c4; background: #fff7f7; }
  a { color: var(--accent); }
</style></head>
<body>
<header><div class="wrap"><h1>fetch-session <span>demo</span></h1>
<p>Sessions for any Web Fetch API handler.</p></div></header>
<main class="wrap">${main}
</main></body></html>`
}
