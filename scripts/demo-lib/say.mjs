import { stdout } from 'node:process'

const color = stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== 'dumb'
const paint = (code) => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : String(text))

/** Terminal styles; plain text when stdout is not a terminal or `NO_COLOR` is set. */
export const style = {
  bold: paint(1),
  dim: paint(2),
  green: paint(32),
  red: paint(31),
  yellow: paint(33),
  cyan: paint(36),
}

/** Prints one line of the narrative. */
export const say = (text = '') => stdout.write(`${text}\n`)

/** A step heading: `2. Start three receivers`. */
export const step = (n, title) => say(`\n${style.bold(`${n}. ${title}`)}`)

/** An indented line: `ok` (✓), `fail` (✗), `info` (→) or `plain`. */
export const line = (kind, text) => {
  const mark = { ok: style.green('✓'), fail: style.red('✗'), info: style.cyan('→'), plain: ' ' }
  say(`   ${mark[kind]} ${text}`)
}
