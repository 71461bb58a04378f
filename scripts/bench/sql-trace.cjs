// @ts-check
'use strict';
/**
 * A preload (`node --require <absolute path>/sql-trace.cjs dist/src/main.js`) that records every
 * query the process sends through `pg`, for the benchmark's same-work references
 * (scripts/bench/sql-replay.ts): the hub's own SQL, replayed with raw `pg`, follows the code as it
 * changes instead of being copied by hand.
 *
 * Inactive unless `BENCH_SQL_TRACE=<file>` is set. Then `require('pg').Client.prototype.query` is
 * wrapped (TypeORM loads `pg` with `require`, and the hub's own LISTEN and advisory-lock clients
 * import it too, so they all share this module instance) and each call appends one JSON line:
 *
 *   {"conn": 3, "at": 1733571234567.123, "text": "SELECT …", "values": [...]}
 *
 * `conn` numbers the `Client` object (one pooled connection); `at` is `performance.timeOrigin +
 * performance.now()` when the query was handed to `pg`: epoch milliseconds with sub-millisecond
 * resolution, comparable with the same clock in the process that drives the hub. `values` are the
 * parameters as the caller passed them (before `pg` turns them into text), encoded losslessly by
 * {@link encodeValue}; `name` is there when the query was a named (prepared) statement.
 *
 * Writing is synchronous on a file descriptor opened once: cheap enough for a short capture run,
 * and never used while timing.
 */
const { openSync, writeSync } = require('node:fs');

/**
 * One parameter as JSON, without loss: what JSON has natively stays as it is; what it lacks
 * becomes an object with one `$`-key. A plain object that looks like such a tag is wrapped in
 * `$object` so decoding can never mistake it for one.
 *
 * @param {unknown} value
 * @returns {unknown}
 */
function encodeValue(value) {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (value === undefined) return { $undefined: true };
  if (typeof value === 'number') return Number.isFinite(value) ? value : { $number: String(value) };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) {
    return {
      $bytes: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'),
    };
  }
  if (value instanceof Date) {
    return { $date: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  }
  if (Array.isArray(value)) return value.map(encodeValue);
  if (typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const out = {};
    for (const [key, inner] of Object.entries(value)) out[key] = encodeValue(inner);
    const keys = Object.keys(out);
    return keys.length === 1 && keys[0]?.startsWith('$') ? { $object: out } : out;
  }
  // Functions and symbols: pg cannot send them either.
  return { $unsupported: typeof value };
}

/**
 * The SQL text, parameters and statement name of a `Client#query` call, whichever of its forms:
 * `(text[, values][, callback])`, `(config[, values][, callback])` with `text`/`values`/`name`,
 * or a submittable (a `Query`, a cursor) carrying them.
 *
 * @param {unknown} config
 * @param {unknown} values
 * @returns {{ text: string, values: unknown[] | undefined, name: string | undefined } | undefined}
 */
function describeCall(config, values) {
  if (typeof config === 'string') {
    return { text: config, values: Array.isArray(values) ? values : undefined, name: undefined };
  }
  if (config === null || typeof config !== 'object') return undefined;
  const c = /** @type {{ text?: unknown, values?: unknown, name?: unknown }} */ (config);
  if (typeof c.text !== 'string') return undefined;
  const given = Array.isArray(values) ? values : Array.isArray(c.values) ? c.values : undefined;
  return { text: c.text, values: given, name: typeof c.name === 'string' ? c.name : undefined };
}

/** @param {string} file */
function install(file) {
  const pg = require('pg');
  const fd = openSync(file, 'a');
  /** @type {WeakMap<object, number>} */
  const connections = new WeakMap();
  let nextConnection = 1;
  const original = pg.Client.prototype.query;
  /**
   * @this {object}
   * @param {unknown} config
   * @param {unknown} values
   * @param {unknown} callback
   */
  pg.Client.prototype.query = function query(config, values, callback) {
    let conn = connections.get(this);
    if (conn === undefined) {
      conn = nextConnection++;
      connections.set(this, conn);
    }
    const call = describeCall(config, values);
    if (call) {
      const line = {
        conn,
        at: performance.timeOrigin + performance.now(),
        text: call.text,
        values: call.values === undefined ? [] : call.values.map(encodeValue),
        ...(call.name === undefined ? {} : { name: call.name }),
      };
      writeSync(fd, `${JSON.stringify(line)}\n`);
    }
    return original.call(this, config, values, callback);
  };
}

const target = process.env['BENCH_SQL_TRACE'];
if (target) install(target);

module.exports = { encodeValue, describeCall };
