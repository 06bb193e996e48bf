'use strict'
// ratiba for Node: a Promise API over the napi-rs addon (native.js). Conversions and
// error mapping only; every decision is ratiba-core's. Results are the core's JSON
// shapes (snake_case, as the HTTP API returns them).

const fs = require('node:fs')
const native = require('./native.js')

const PREFIX = 'RATIBA_ERROR:'

/**
 * Every error of ratiba. `code` is VALIDATION, CONFLICT, NOT_FOUND, UNAVAILABLE or
 * PROVISIONING; `fields` lists {field, message} problems of a validation error;
 * `retryAfter` (seconds) is set on UNAVAILABLE; `saga`, `failedStep`, `undone` and
 * `leftBehind` describe a failed onboarding.
 */
class RatibaError extends Error {
  constructor(payload, options) {
    super(payload.message, options)
    this.name = 'RatibaError'
    this.code = payload.code
    this.kind = payload.kind
    this.summary = payload.summary
    this.fields = payload.fields || []
    this.retryAfter = payload.retry_after == null ? null : payload.retry_after
    this.saga = payload.saga || null
    this.onboardingId = this.saga ? this.saga.onboarding_id : null
    this.failedStep = this.saga ? this.saga.failed_step : null
    this.undone = this.saga ? this.saga.undone : []
    this.leftBehind = this.saga ? this.saga.left_behind : []
  }
}

/** The native error as a RatibaError; other errors (bad argument types) as they are. */
function convert(err) {
  if (!(err instanceof Error) || typeof err.message !== 'string' || !err.message.startsWith(PREFIX)) {
    return err
  }
  let payload
  try {
    payload = JSON.parse(err.message.slice(PREFIX.length))
  } catch {
    return err
  }
  // Keep the cause chain: each source becomes an Error `cause`.
  let cause
  for (const message of [...(payload.causes || [])].reverse()) {
    cause = new Error(message, cause ? { cause } : undefined)
  }
  return new RatibaError(payload, cause ? { cause } : undefined)
}

async function call(fn) {
  try {
    return await fn()
  } catch (err) {
    throw convert(err)
  }
}

function sync(fn) {
  try {
    return fn()
  } catch (err) {
    throw convert(err)
  }
}

function imageBytes(image) {
  if (image == null) return undefined
  if (typeof image === 'string' || image instanceof URL) return fs.readFileSync(image)
  return Buffer.isBuffer(image) ? image : Buffer.from(image)
}

function settingsOf(options = {}) {
  return { floorKes: options.floorKes, reconcileGrace: options.reconcileGrace }
}

/** A shared, changeable fault plan for harnesses. Every method returns `this`. */
class Faults {
  constructor() {
    this._native = new native.Faults()
  }

  /** Where a fault can be injected: each saga step and compensation. */
  static get points() {
    return native.Faults.points()
  }

  fail(point, times) {
    return this.set(point, 'fail', times)
  }

  failAfter(point, times) {
    return this.set(point, 'fail_after', times)
  }

  unavailable(point, times) {
    return this.set(point, 'unavailable', times)
  }

  set(point, kind, times) {
    this._native.set(point, kind, times)
    return this
  }

  delay(point, ms) {
    this._native.delay(point, ms)
    return this
  }

  clear() {
    this._native.clear()
    return this
  }
}

class Onboarder {
  constructor(nativeOnboarder) {
    this._native = nativeOnboarder
  }

  /** In-memory fakes of every port; with `faults`, wrapped by that fault plan. */
  static inMemory(options = {}) {
    const faults = options.faults ? options.faults._native : undefined
    return sync(() => new Onboarder(native.inMemory(faults, settingsOf(options))))
  }

  /** The embedded default (SQLite files and realm files) under `dataDir`. */
  static async embedded(dataDir, options = {}) {
    const faults = options.faults ? options.faults._native : undefined
    return new Onboarder(await call(() => native.embedded(String(dataDir), faults, settingsOf(options))))
  }

  /** PostgreSQL, with realms in Keycloak (`keycloak: {url, ...}`) or realm files (`realmsDir`). */
  static async postgres(databaseUrl, options = {}) {
    const faults = options.faults ? options.faults._native : undefined
    const pg = {
      keycloak: options.keycloak,
      encryptionKey: options.encryptionKey,
      realmsDir: options.realmsDir == null ? undefined : String(options.realmsDir),
      database: options.database,
    }
    return new Onboarder(await call(() => native.postgres(databaseUrl, pg, faults, settingsOf(options))))
  }

  /** The schema backend: memory, sqlite or postgres. */
  get backend() {
    return this._native.backend
  }

  /** Throws a VALIDATION RatibaError listing every problem of `spec`; onboards nothing. */
  validate(spec) {
    sync(() => this._native.validate(spec))
  }

  onboard(spec) {
    return call(() => this._native.onboard(spec))
  }

  get(slug) {
    return call(() => this._native.get(slug))
  }

  list() {
    return call(() => this._native.list())
  }

  verify(slug) {
    return call(() => this._native.verify(slug))
  }

  /** A fresh one-time password for the owner's dashboard sign-in (CONFLICT when the realms are files). */
  resetOwnerPassword(slug) {
    return call(() => this._native.resetOwnerPassword(slug))
  }

  delete(slug) {
    return call(() => this._native.delete(slug))
  }

  reconcile(options = {}) {
    return call(() => this._native.reconcile(Boolean(options.fix)))
  }

  extractCatalog({ text, image } = {}) {
    return call(() => this._native.extractCatalog(text, imageBytes(image)))
  }

  importCatalog(slug, { text, image, commit } = {}) {
    return call(() => this._native.importCatalog(slug, text, imageBytes(image), Boolean(commit)))
  }

  commitCatalog(slug, commit) {
    return call(() => this._native.commitCatalog(slug, commit))
  }

  listServices(slug) {
    return call(() => this._native.listServices(slug))
  }

  addStaff(slug, staff) {
    return call(() => this._native.addStaff(slug, staff))
  }

  listStaff(slug) {
    return call(() => this._native.listStaff(slug))
  }

  updateStaff(slug, id, staff) {
    return call(() => this._native.updateStaff(slug, id, staff))
  }

  removeStaff(slug, id) {
    return call(() => this._native.removeStaff(slug, id))
  }
}

const features = native.features()

module.exports = { Onboarder, Faults, RatibaError, features }
