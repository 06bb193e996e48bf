// The onboarding rules of ratiba-core (tenant/slug.rs, phone.rs, settings.rs,
// spec.rs), mirrored for live feedback. The server checks again and has the last
// word: its 422 messages replace these.

export const MAX_SLUG_LEN = 56;
export const MAX_NAME_CHARS = 120;
export const RESERVED = [
  'public', 'master', 'admin', 'information_schema', 'account', 'realms', 'resources',
  'js', 'robots', 'health', 'metrics', 'template0', 'template1', 'postgres',
];
export const VERTICALS = [
  'spa', 'salon', 'barber', 'nails', 'beauty', 'wellness', 'massage', 'dental', 'clinic',
  'physiotherapy', 'fitness',
];

const lower = (c) => c >= 'a' && c <= 'z';
const upper = (c) => c >= 'A' && c <= 'Z';
const digit = (c) => c >= '0' && c <= '9';

function checkPlain(s) {
  return lower(s[0]) && !RESERVED.includes(s) && !s.startsWith('pg_');
}

/** A valid slug close to what was typed (slug.rs `suggest`). */
export function suggestSlug(raw) {
  let out = '';
  for (const ch of raw.trim()) {
    const c = ch.toLowerCase();
    if ((c.length === 1 && lower(c)) || digit(c)) out += c;
    else if (out && !out.endsWith('_')) out += '_';
  }
  out = out.replace(/_+$/, '');
  if (digit(out[0] || '')) out = `t_${out}`;
  out = out.slice(0, MAX_SLUG_LEN).replace(/_+$/, '');
  return out && checkPlain(out) ? out : null;
}

export function checkSlug(raw) {
  if (!raw) return "is required: a lowercase letter, then lowercase letters, digits or '_'";
  const s = suggestSlug(raw);
  const hint = s && s !== raw ? ` (try '${s}')` : '';
  const first = raw[0];
  if (!lower(first)) {
    if (digit(first)) return `must start with a lowercase letter, not a digit, because it names a database schema${hint}`;
    if (upper(first)) return `must be lowercase, because it names a database schema and a realm${hint}`;
    return `must start with a lowercase letter (a-z)${hint}`;
  }
  for (const c of raw) {
    if (!(lower(c) || digit(c) || c === '_')) {
      if (c === '-') return `may not contain '-': use '_' instead, because hyphens need quoting in SQL identifiers${hint}`;
      if (upper(c)) return `must be lowercase, because it names a database schema and a realm${hint}`;
      return `may contain only lowercase letters, digits and '_', not '${c}'${hint}`;
    }
  }
  const bytes = new TextEncoder().encode(raw).length;
  if (bytes > MAX_SLUG_LEN) {
    return `must be at most ${MAX_SLUG_LEN} characters, so that the schema name tenant_<slug> fits PostgreSQL's 63-byte limit (it has ${bytes})${hint}`;
  }
  if (RESERVED.includes(raw) || raw.startsWith('pg_')) {
    return `'${raw}' is reserved (by PostgreSQL, Keycloak or Ratiba); choose another slug`;
  }
  return null;
}

export function checkName(raw) {
  const name = raw.trim();
  if (!name) return 'must not be blank';
  if ([...name].length > MAX_NAME_CHARS) return `must be at most ${MAX_NAME_CHARS} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) return 'must not contain control characters';
  return null;
}

export function checkPhone(raw, { optional = false } = {}) {
  const compact = raw.trim().replace(/[ \-.()]/g, '');
  if (!compact) return optional ? null : 'is required, in E.164 form such as +254712345678';
  const plus = compact.startsWith('+');
  const digits = plus ? compact.slice(1) : compact;
  if (!/^[0-9]*$/.test(digits)) return "may contain only digits after '+' (E.164, such as +254712345678)";
  if (!plus) {
    const hint = digits.startsWith('0') ? `+254${digits.slice(1)}` : `+${digits}`;
    return `must be in international E.164 form starting with '+' and the country code (did you mean ${hint}?)`;
  }
  if (digits.startsWith('0')) return 'the country code cannot start with 0 (E.164, such as +254712345678)';
  if (digits.length < 8 || digits.length > 15) {
    return `must have 8 to 15 digits after '+' (E.164); this one has ${digits.length}`;
  }
  if (digits.startsWith('254')) {
    const national = digits.slice(3);
    if (national.startsWith('0')) return `drop the 0 after the country code +254 (did you mean +254${national.slice(1)}?)`;
    if (national.length !== 9) {
      return `a Kenyan number has 9 digits after +254, such as +254712345678; this one has ${national.length}`;
    }
  }
  return null;
}

export function checkVertical(raw) {
  if (VERTICALS.includes(raw.trim().toLowerCase())) return null;
  return `'${raw}' is not a known vertical; allowed: ${VERTICALS.join(', ')}`;
}

export function checkLocale(raw) {
  const tag = raw.trim();
  const help = 'must be a BCP 47 language tag such as en, sw, en-KE or sw-KE';
  if (!tag) return `is required: ${help}`;
  if (tag.includes('_')) return `${help} (did you mean ${tag.replaceAll('_', '-')}?)`;
  const [language, ...rest] = tag.split('-');
  if (!/^[A-Za-z]{2,3}$/.test(language)) return `${help}: '${language}' is not a 2- or 3-letter language code`;
  let script = false;
  let region = false;
  for (const part of rest) {
    if (/^[A-Za-z]{4}$/.test(part) && !script && !region) script = true;
    else if ((/^[A-Za-z]{2}$/.test(part) || /^[0-9]{3}$/.test(part)) && !region) region = true;
    else if (!/^[A-Za-z0-9]{5,8}$/.test(part)) return `${help}: '${part}' is not a valid subtag`;
  }
  return null;
}

const ABBREVIATIONS = { EAT: 'Africa/Nairobi', CAT: 'Africa/Maputo', WAT: 'Africa/Lagos' };

export function checkTimezone(raw) {
  const tz = raw.trim();
  if (!tz) return 'is required: an IANA time zone name such as Africa/Nairobi';
  let known = tz === 'UTC' || tz.includes('/');
  if (known) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      known = false;
    }
  }
  if (known) return null;
  const h = ABBREVIATIONS[tz.toUpperCase()];
  return `'${tz}' is not an IANA time zone name such as Africa/Nairobi${h ? ` (for ${tz} use ${h})` : ''}`;
}

export function checkDigits(raw) {
  const v = raw.trim();
  if (!v) return null;
  return v.length <= 32 && /^[0-9]+$/.test(v) ? null : 'must be the numeric id Meta shows (digits only)';
}

export function checkToken(raw) {
  if (!raw) return null;
  return /\s/.test(raw) ? 'must be a non-empty token without spaces' : null;
}
