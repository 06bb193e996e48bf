// Type definitions of the `ratiba` Node package (index.js over the napi-rs addon).
// Results are the core's JSON shapes, snake_case as the HTTP API returns them.

export type ErrorCode = 'VALIDATION' | 'CONFLICT' | 'NOT_FOUND' | 'UNAVAILABLE' | 'PROVISIONING' | 'UNKNOWN'
export type Step = 'journal' | 'schema' | 'realm' | 'commit'
export type FaultPoint =
  | 'journal_start'
  | 'journal_finish'
  | 'schema_prepare'
  | 'realm_create'
  | 'schema_commit'
  | 'schema_rollback'
  | 'realm_delete'
  | 'extract'
export type FaultKind = 'fail' | 'fail_after' | 'unavailable'

export interface FieldProblem {
  field: string
  message: string
}

export type Leftover =
  | { kind: 'realm'; name: string; onboarding_id: string }
  | { kind: 'tenant_store'; name: string }

export interface SagaReport {
  onboarding_id: string
  failed_step: Step
  undone: Step[]
  left_behind: Leftover[]
}

/** Every error of ratiba; `code` says which kind. */
export declare class RatibaError extends Error {
  readonly code: ErrorCode
  readonly kind: 'validation' | 'conflict' | 'not_found' | 'unavailable' | 'backend' | 'provisioning' | 'unknown'
  /** The one-sentence message, without the field list or saga report. */
  readonly summary: string
  /** Field problems of a VALIDATION error; empty otherwise. */
  readonly fields: FieldProblem[]
  /** Seconds to wait before retrying an UNAVAILABLE error, when known. */
  readonly retryAfter: number | null
  readonly saga: SagaReport | null
  readonly onboardingId: string | null
  readonly failedStep: Step | null
  readonly undone: Step[]
  /** What a failed onboarding could not undo; `reconcile({fix: true})` removes it. */
  readonly leftBehind: Leftover[]
}

/** The onboarding request clients send (snake_case JSON). */
export interface TenantRequest {
  name: string
  slug: string
  vertical: string
  owner_phone: string
  whatsapp_number: string
  locale: string
  timezone: string
  mpesa_enabled: boolean
  voice_number?: string | null
  card_enabled?: boolean
  cash_enabled?: boolean
  whatsapp_phone_number_id?: string | null
  whatsapp_access_token?: string | null
  whatsapp_business_account_id?: string | null
}

export interface TenantAdmin {
  phone_number: string
  role: 'owner' | 'admin' | 'staff'
  is_active: boolean
}

export interface Tenant {
  id: string
  name: string
  slug: string
  vertical: string
  status: 'trial' | 'active' | 'suspended'
  locale: string
  timezone: string
  whatsapp_number: string
  voice_number: string | null
  mpesa_enabled: boolean
  /** RFC 3339, seconds, UTC. */
  created_at: string
  admins: TenantAdmin[]
}

export interface Check {
  name: string
  ok: boolean
  detail: string
  /** Set on a check whose failure is a warning (no staff schedule yet): the report stays ok. */
  warning?: boolean
}

export interface VerifyReport {
  slug: string
  ok: boolean
  checks: Check[]
}

/** What the owner needs for their first dashboard sign-in. The password works once
 * (their realm asks them to choose their own) and is stored nowhere: show it once. */
export interface OwnerSignIn {
  /** The tenant's realm (its slug): the owner types it on the sign-in page. */
  realm: string
  /** The owner's phone number without '+'. */
  username: string
  temporary_password: string
}

export interface ReconcileItem {
  leftover: string
  reason: string
  action: string
}

export interface ReconcileReport {
  items: ReconcileItem[]
  /** Nothing was found. */
  clean: boolean
  /** Items whose removal failed. */
  failures: number
}

export interface ExtractedRow {
  name: string
  price_kes: number | null
  duration_minutes: number | null
  category: string | null
  confidence: 'green' | 'yellow' | 'red'
  reasons?: string[]
  price_max_kes?: number
  duration_max_minutes?: number
}

export interface Relation {
  service: string
  related: string
  relation_type: string
}

export interface Extraction {
  rows: ExtractedRow[]
  relations: Relation[]
}

export interface CommitReport {
  created: number
  updated: number
  unchanged: number
  relations: number
}

export interface CatalogImport {
  import_id: string
  extraction: Extraction
  committed: CommitReport | null
  /** Red rows, never committed: the owner must type their price. */
  needs_price: string[]
}

export interface ServiceRow {
  name: string
  price_kes: number
  duration_minutes?: number | null
  category?: string | null
}

export interface CatalogCommit {
  import_id?: string | null
  services: ServiceRow[]
  relations: Relation[]
}

export interface Service {
  id: string
  name: string
  price_kes: number
  duration_minutes: number | null
  category: string | null
}

/** A menu: its text, a photo (bytes or a path), or both. */
export interface Menu {
  text?: string
  image?: Buffer | Uint8Array | string | URL
}

export interface Settings {
  /** Prices below this (KES) are never green. */
  floorKes?: number
  /** Seconds during which reconcile leaves an unfinished onboarding alone (default 300). */
  reconcileGrace?: number
}

export interface BackendOptions extends Settings {
  /** Wrap every port with this fault plan. */
  faults?: Faults
}

export interface KeycloakOptions {
  url: string
  adminUser?: string
  /** Defaults to the development password `keycloak_dev`. */
  password?: string
  adminRealm?: string
  clientId?: string
  clientSecret?: string
}

export interface PostgresOptions extends BackendOptions {
  keycloak?: KeycloakOptions
  /** Realm files instead of Keycloak. */
  realmsDir?: string
  /** One base64 key, or `ID:BASE64,...` with the active key first. */
  encryptionKey?: string
  /** Overrides the database named in the URL. */
  database?: string
}

/** A shared, changeable fault plan. Every method returns `this`. */
export declare class Faults {
  constructor()
  static readonly points: FaultPoint[]
  fail(point: FaultPoint, times?: number): this
  failAfter(point: FaultPoint, times?: number): this
  unavailable(point: FaultPoint, times?: number): this
  set(point: FaultPoint, kind: FaultKind, times?: number): this
  delay(point: FaultPoint, ms: number): this
  clear(): this
}

export declare class Onboarder {
  static inMemory(options?: BackendOptions): Onboarder
  static embedded(dataDir: string, options?: BackendOptions): Promise<Onboarder>
  static postgres(databaseUrl: string, options?: PostgresOptions): Promise<Onboarder>
  readonly backend: string
  /** Throws a VALIDATION RatibaError listing every problem; onboards nothing. */
  validate(spec: TenantRequest | Record<string, unknown>): void
  /** All of the tenant, or nothing of it (after `reconcile` at worst). */
  onboard(spec: TenantRequest | Record<string, unknown>): Promise<Tenant>
  get(slug: string): Promise<Tenant>
  list(): Promise<Tenant[]>
  verify(slug: string): Promise<VerifyReport>
  /** A fresh one-time owner password; rejects with CONFLICT when the realms are files
   * (nobody can sign in to them: set KEYCLOAK_URL and push them), NOT_FOUND for no such tenant. */
  resetOwnerPassword(slug: string): Promise<OwnerSignIn>
  delete(slug: string): Promise<void>
  reconcile(options?: { fix?: boolean }): Promise<ReconcileReport>
  extractCatalog(menu: Menu): Promise<Extraction>
  importCatalog(slug: string, menu: Menu & { commit?: boolean }): Promise<CatalogImport>
  commitCatalog(slug: string, commit: CatalogCommit): Promise<CommitReport>
  listServices(slug: string): Promise<Service[]>
  /** Adds a staff member; overlapping or inverted intervals reject with code VALIDATION naming the field. */
  addStaff(slug: string, staff: StaffRequest): Promise<Staff>
  listStaff(slug: string): Promise<Staff[]>
  updateStaff(slug: string, id: string, staff: StaffRequest): Promise<Staff>
  removeStaff(slug: string, id: string): Promise<void>
}

/** Optional backends of this build: `postgres`, `keycloak`. */
export declare const features: string[]

/** One weekly interval, in the tenant's timezone: weekday `mon`...`sun` (or Swahili), times `HH:MM`. */
export interface Interval {
  weekday: string
  start: string
  end: string
}

export interface StaffRequest {
  name: string
  phone?: string | null
  /** Service names (or ids) from the tenant's catalog. */
  services?: string[]
  schedule?: Interval[]
}

export interface Staff {
  id: string
  name: string
  phone: string | null
  services: string[]
  schedule: Interval[]
}
