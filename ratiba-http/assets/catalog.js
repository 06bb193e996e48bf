// Catalog: upload a menu (photo, pasted text, or both), review the rows the server
// read (green / yellow / red), fix them, and commit.
import * as api from './api.js';
import { h, render, alertBox, toast, spinner } from './dom.js';

const MAX_NAME = 120;
const MAX_DURATION = 24 * 60;
const MAX_UPLOAD = 10 * 1024 * 1024;

const STATUS = {
  green: { label: 'Ready', explain: 'One clear price was read.' },
  yellow: { label: 'Check', explain: 'Read, but check it before saving.' },
  red: { label: 'Needs price', explain: 'No usable price: type the price before saving.' },
};

function kes(n) {
  return new Intl.NumberFormat('en-KE').format(n);
}

export async function catalogPage(initialTenant) {
  render(h('h1', {}, 'Catalog'), spinner('Loading tenants…'));
  let tenants;
  try {
    tenants = await api.tenants();
  } catch (err) {
    if (err.status !== 401 && err.status !== 403) render(h('h1', {}, 'Catalog'), alertBox(err.message));
    return;
  }

  const state = { file: null, previewUrl: null };

  const tenantSelect = h('select', { id: 'tenant', name: 'tenant', required: true, 'aria-describedby': 'tenant-error' },
    h('option', { value: '' }, tenants.length ? 'Choose a tenant…' : 'No tenants yet'),
    tenants.map((t) => h('option', { value: t.slug, selected: t.slug === initialTenant }, `${t.name} (${t.slug})`)));
  const tenantError = h('p', { id: 'tenant-error', class: 'field-error', 'aria-live': 'polite' });

  const fileInput = h('input', { id: 'photo', name: 'image', type: 'file', accept: 'image/*', class: 'visually-hidden-file', 'aria-describedby': 'photo-help' });
  const preview = h('div', { class: 'preview', id: 'photo-preview', 'aria-live': 'polite' });
  const zone = h('div', { class: 'dropzone', id: 'dropzone' },
    h('p', { class: 'dz-title' }, 'Photo of the menu'),
    h('p', { id: 'photo-help', class: 'help' }, 'Drag a photo here, or choose one (on a phone: take a picture of the printed menu). JPEG, PNG or WebP, at most 10 MB.'),
    h('label', { for: 'photo', class: 'button' }, 'Choose a photo…'),
    fileInput,
    preview);
  const text = h('textarea', { id: 'menu-text', name: 'text', rows: '8', 'aria-describedby': 'menu-text-help', placeholder: 'HAIR\nHaircut ........ KES 1,500 (30 min)\nBraids from 2,000\n…' });
  const inputError = h('div', { id: 'input-error' });
  const readButton = h('button', { type: 'submit', class: 'primary', id: 'read-menu' }, 'Read the menu');
  const progress = h('div', { id: 'progress', class: 'progress', hidden: true },
    h('label', { for: 'progress-bar', id: 'progress-label' }, 'Uploading…'),
    h('progress', { id: 'progress-bar', max: '100' }));
  const review = h('section', { id: 'review', 'aria-live': 'polite' });

  function setFile(file) {
    if (state.previewUrl) URL.revokeObjectURL(state.previewUrl);
    state.file = null;
    state.previewUrl = null;
    preview.replaceChildren();
    inputError.replaceChildren();
    if (!file) return;
    if (!file.type.startsWith('image/')) {
      inputError.append(alertBox(`"${file.name}" is not an image. Choose a photo, or paste the menu's text below.`));
      return;
    }
    if (file.size > MAX_UPLOAD) {
      inputError.append(alertBox(`"${file.name}" is ${(file.size / 1048576).toFixed(1)} MB; photos may be at most 10 MB.`));
      return;
    }
    state.file = file;
    state.previewUrl = URL.createObjectURL(file);
    preview.append(
      h('img', { src: state.previewUrl, alt: `Selected photo: ${file.name}` }),
      h('span', { class: 'file-name' }, `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KB)`),
      h('button', { type: 'button', class: 'link', onclick: () => { fileInput.value = ''; setFile(null); } }, 'Remove photo'));
  }

  fileInput.addEventListener('change', () => setFile(fileInput.files[0] || null));
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer && e.dataTransfer.files[0];
    if (file) setFile(file);
  });

  const form = h('form', { class: 'card', id: 'upload', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'tenant' }, 'Tenant'), tenantSelect, tenantError),
    zone,
    h('div', { class: 'field' },
      h('label', { for: 'menu-text' }, 'Menu text (optional with a photo)'),
      h('p', { id: 'menu-text-help', class: 'help' }, 'Paste the menu as written, one service per line with its price (KES 1,500, 1.5k, "from 2,000", 1500-2500) and duration (30 min, 1 hr). With a photo too, both are read.'),
      text),
    inputError,
    h('div', { class: 'actions' }, readButton),
    progress);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    inputError.replaceChildren();
    tenantError.textContent = '';
    tenantSelect.removeAttribute('aria-invalid');
    if (!tenantSelect.value) {
      tenantError.textContent = 'Choose the tenant whose menu this is.';
      tenantSelect.setAttribute('aria-invalid', 'true');
      tenantSelect.focus();
      return;
    }
    if (!state.file && !text.value.trim()) {
      inputError.append(alertBox('Give the menu: choose a photo, paste its text, or both.'));
      text.focus();
      return;
    }
    const data = new FormData();
    data.append('tenant', tenantSelect.value);
    if (text.value.trim()) data.append('text', text.value);
    if (state.file) data.append('image', state.file, state.file.name);
    review.replaceChildren();
    readButton.disabled = true;
    progress.hidden = false;
    const bar = progress.querySelector('progress');
    const label = progress.querySelector('label');
    bar.value = 0;
    label.textContent = 'Uploading…';
    try {
      const result = await api.upload('/api/v1/admin/catalog/import', data, (fraction) => {
        if (fraction === null) {
          bar.removeAttribute('value');
          label.textContent = state.file ? 'Reading the menu (photos take a little longer)…' : 'Reading the menu…';
        } else {
          bar.value = Math.round(fraction * 100);
          label.textContent = `Uploading… ${Math.round(fraction * 100)}%`;
        }
      });
      if (!result.extraction.rows.length) {
        inputError.append(alertBox(state.file && !text.value.trim()
          ? 'No services could be read from this photo. Try a sharper, straight-on photo in good light, or paste the menu\'s text.'
          : 'No services could be read. Put one service per line with its price, such as "Haircut KES 1,500 (30 min)".'));
        return;
      }
      showReview(review, tenantSelect.value, result);
    } catch (err) {
      if (err.status === 401 || err.status === 403) return;
      const fields = err.errors.map((fe) => `${fe.field}: ${fe.message}`);
      let message = err.message;
      if (err.status === 422 && state.file && !text.value.trim()) {
        message = `The photo could not be read: ${fields.join('; ') || err.message}. This server may have no text recognition (OCR) configured; paste the menu's text instead, or together with the photo.`;
      } else if (err.status === 422) {
        message = `The menu could not be read: ${fields.join('; ') || err.message}`;
      }
      inputError.append(alertBox(message));
    } finally {
      readButton.disabled = false;
      progress.hidden = true;
    }
  });

  tenantSelect.addEventListener('change', () => {
    const u = new URL(location.href);
    if (tenantSelect.value) u.searchParams.set('tenant', tenantSelect.value);
    else u.searchParams.delete('tenant');
    history.replaceState(null, '', u.pathname + u.search);
  });

  render(
    h('h1', {}, 'Catalog'),
    h('p', { class: 'lead' }, 'Read a tenant\'s menu into services. Nothing is saved until you review the rows and submit; a price is never guessed.'),
    tenants.length ? form : alertBox('Create a tenant first (Tenants → New tenant).', 'info'),
    review,
  );
}

// ---------------------------------------------------------------- review

function showReview(container, tenant, result) {
  let rows = result.extraction.rows.map((r, i) => ({
    id: i,
    confidence: r.confidence,
    reasons: r.reasons || [],
    original: r,
    name: r.name,
    price: r.price_kes === null || r.price_kes === undefined ? '' : String(r.price_kes),
    duration: r.duration_minutes === null || r.duration_minutes === undefined ? '' : String(r.duration_minutes),
    category: r.category || '',
    removed: false,
  }));
  let relations = result.extraction.relations.map((r) => ({ ...r }));

  const summary = h('p', { id: 'review-summary' });
  const tbody = h('tbody');
  const relList = h('ul', { class: 'relations', id: 'relations' });
  const relForm = h('div', { class: 'rel-add' });
  const blocker = h('div', { id: 'submit-blocker', 'aria-live': 'polite' });
  const outcome = h('div', { id: 'commit-result' });
  const submit = h('button', { type: 'button', class: 'primary', id: 'submit-catalog' }, 'Submit services');

  const live = () => rows.filter((r) => !r.removed);

  function rowProblems(r) {
    const p = {};
    const name = r.name.trim();
    if (!name) p.name = 'Name must not be blank.';
    else if ([...name].length > MAX_NAME) p.name = `Name must be at most ${MAX_NAME} characters.`;
    else if (live().some((o) => o !== r && o.name.trim().toLowerCase().replace(/\s+/g, ' ') === name.toLowerCase().replace(/\s+/g, ' '))) p.name = `"${name}" appears twice.`;
    if (!r.price.trim()) p.price = r.confidence === 'red' ? 'Type the price in KES.' : 'Price is required.';
    else if (!/^[0-9]+$/.test(r.price.trim()) || Number(r.price) <= 0) p.price = 'Price must be a whole number of shillings, such as 1500.';
    if (r.duration.trim() && (!/^[0-9]+$/.test(r.duration.trim()) || Number(r.duration) < 1 || Number(r.duration) > MAX_DURATION)) {
      p.duration = `Duration must be between 1 and ${MAX_DURATION} minutes.`;
    }
    return p;
  }

  function refresh() {
    const l = live();
    const count = (c) => l.filter((r) => r.confidence === c).length;
    summary.textContent = `${l.length} service${l.length === 1 ? '' : 's'}: ${count('green')} ready (green), ${count('yellow')} to check (yellow), ${count('red')} needing a price (red).`;
    const unpriced = l.filter((r) => r.confidence === 'red' && !r.price.trim());
    const invalid = l.filter((r) => Object.keys(rowProblems(r)).length);
    blocker.replaceChildren();
    if (!l.length) {
      blocker.append(alertBox('Every row is left out; there is nothing to submit.', 'info'));
    } else if (unpriced.length) {
      blocker.append(alertBox(`Type a price for ${unpriced.map((r) => r.name || 'the unnamed row').join(', ')} before submitting (or leave ${unpriced.length === 1 ? 'it' : 'them'} out). Red rows are never saved without a price.`, 'warning'));
    } else if (invalid.length) {
      blocker.append(alertBox(`Fix the highlighted fields of ${invalid.map((r) => r.name || 'the unnamed row').join(', ')} before submitting.`, 'warning'));
    }
    submit.disabled = !l.length || unpriced.length > 0 || invalid.length > 0;
    submit.setAttribute('aria-describedby', 'submit-blocker');
    renderRelations();
  }

  function cell(label, input, error) {
    return h('td', { 'data-label': label }, input, error);
  }

  function rowView(r) {
    const s = STATUS[r.confidence] || STATUS.yellow;
    const reasonText = r.reasons.length ? r.reasons.join('; ') : s.explain;
    const reasonId = `reason-${r.id}`;
    // The reason of a yellow or red row is shown; a green row's on hover or tap.
    const shown = r.confidence !== 'green';
    const reason = h('span', { class: 'reason', id: reasonId, hidden: !shown }, reasonText);
    const badge = h('button', {
      type: 'button', class: `badge badge-${r.confidence}`, title: reasonText,
      'aria-expanded': String(shown), 'aria-controls': reasonId,
    }, h('span', { 'aria-hidden': 'true', class: 'dot' }, r.confidence === 'green' ? '●' : r.confidence === 'yellow' ? '▲' : '■'), ' ', s.label);
    badge.addEventListener('click', () => {
      const open = badge.getAttribute('aria-expanded') !== 'true';
      badge.setAttribute('aria-expanded', String(open));
      reason.hidden = !open;
    });
    const input = (field, attrs) => {
      const el = h('input', { ...attrs, value: r[field], id: `${field}-${r.id}`, 'aria-describedby': `${field}-${r.id}-error` });
      el.addEventListener('input', () => {
        const before = r.name;
        r[field] = el.value;
        if (field === 'name' && before !== el.value) {
          for (const rel of relations) {
            if (rel.service === before) rel.service = el.value;
            if (rel.related === before) rel.related = el.value;
          }
        }
        check();
        refresh();
      });
      return el;
    };
    const rowName = r.name || `row ${r.id + 1}`;
    const name = input('name', { type: 'text', 'aria-label': `Name of ${rowName}`, maxlength: String(MAX_NAME + 20) });
    const price = input('price', { type: 'text', inputmode: 'numeric', 'aria-label': `Price in KES of ${rowName}`, placeholder: r.confidence === 'red' ? 'Type price' : '', class: 'num', required: true });
    const duration = input('duration', { type: 'text', inputmode: 'numeric', 'aria-label': `Duration in minutes of ${rowName}`, class: 'num', placeholder: 'min' });
    const category = input('category', { type: 'text', 'aria-label': `Category of ${rowName}`, list: 'categories' });
    const errors = {
      name: h('span', { class: 'cell-error', id: `name-${r.id}-error` }),
      price: h('span', { class: 'cell-error', id: `price-${r.id}-error` }),
      duration: h('span', { class: 'cell-error', id: `duration-${r.id}-error` }),
      category: h('span', { class: 'cell-error', id: `category-${r.id}-error` }),
    };
    const hint = r.original.price_max_kes ? h('span', { class: 'hint' }, `menu: ${kes(r.original.price_kes)}–${kes(r.original.price_max_kes)}`) : null;
    const remove = h('button', { type: 'button', class: 'link', 'aria-label': `Leave out ${rowName}` }, 'Leave out');
    const tr = h('tr', { class: `row-${r.confidence}`, dataset: { confidence: r.confidence, row: String(r.id) } },
      h('td', { 'data-label': 'Status', class: 'status-cell' }, badge, reason),
      cell('Name', name, errors.name),
      h('td', { 'data-label': 'Price (KES)' }, price, hint, errors.price),
      cell('Duration (min)', duration, errors.duration),
      cell('Category', category, errors.category),
      h('td', { 'data-label': '' }, remove));
    function check(server = {}) {
      const p = { ...rowProblems(r), ...server };
      for (const [field, el] of [['name', name], ['price', price], ['duration', duration], ['category', category]]) {
        const show = p[field] && (server[field] || r[field] !== '' || r.confidence === 'red' || field === 'name');
        errors[field].textContent = show ? p[field] : '';
        if (show) el.setAttribute('aria-invalid', 'true');
        else el.removeAttribute('aria-invalid');
      }
      const fixed = r.confidence === 'red' && r.price.trim() && !p.price;
      tr.classList.toggle('fixed', !!fixed);
      badge.lastChild.textContent = fixed ? 'Price typed' : s.label;
    }
    remove.addEventListener('click', () => {
      r.removed = !r.removed;
      tr.classList.toggle('removed', r.removed);
      remove.textContent = r.removed ? 'Include' : 'Leave out';
      remove.setAttribute('aria-label', `${r.removed ? 'Include' : 'Leave out'} ${rowName}`);
      for (const el of [name, price, duration, category]) el.disabled = r.removed;
      refresh();
    });
    r.check = check;
    check();
    return tr;
  }

  function renderRelations() {
    const names = live().map((r) => r.name.trim()).filter(Boolean);
    relations = relations.filter((rel) => rel.service && rel.related);
    const active = relations.filter((rel) => names.includes(rel.service) && names.includes(rel.related));
    relList.replaceChildren(...(active.length
      ? active.map((rel) => h('li', {},
        h('span', {}, rel.service, h('span', { 'aria-hidden': 'true' }, ' → '), h('span', { class: 'sr-only' }, ' is offered with '), rel.related),
        h('button', {
          type: 'button', class: 'link', 'aria-label': `Remove pair ${rel.service} and ${rel.related}`,
          onclick: () => { relations = relations.filter((x) => x !== rel); refresh(); },
        }, 'Remove')))
      : [h('li', { class: 'muted' }, 'No cross-sell pairs.')]));
    const a = h('select', { id: 'rel-a', 'aria-label': 'Service' }, names.map((n) => h('option', { value: n }, n)));
    const b = h('select', { id: 'rel-b', 'aria-label': 'Offered with' }, names.map((n, i) => h('option', { value: n, selected: i === 1 }, n)));
    const add = h('button', { type: 'button' }, 'Add pair');
    add.addEventListener('click', () => {
      if (!a.value || !b.value || a.value === b.value) {
        toast('Choose two different services.');
        return;
      }
      if (!relations.some((r) => r.service === a.value && r.related === b.value)) {
        relations.push({ service: a.value, related: b.value, relation_type: 'cross_sell' });
      }
      refresh();
    });
    relForm.replaceChildren(
      h('label', { for: 'rel-a' }, 'Suggest'), a, h('label', { for: 'rel-b' }, 'with'), b, add);
  }

  submit.addEventListener('click', async () => {
    outcome.replaceChildren();
    const l = live();
    const names = l.map((r) => r.name.trim());
    const services = l.map((r) => ({
      name: r.name.trim(),
      price_kes: Number(r.price.trim()),
      duration_minutes: r.duration.trim() ? Number(r.duration.trim()) : null,
      category: r.category.trim() || null,
    }));
    const rels = relations.filter((rel) => names.includes(rel.service) && names.includes(rel.related));
    submit.disabled = true;
    submit.textContent = 'Saving…';
    try {
      const report = await api.call('POST', '/api/v1/admin/catalog/commit', {
        // Red rows were priced by the owner here: say so, as the server requires.
        body: {
          tenant, import_id: result.import_id, services, relations: rels,
          owner_typed: l.filter((r) => r.confidence === 'red').map((r) => r.name.trim()),
        },
        headers: { 'Idempotency-Key': api.idempotencyKey() },
      });
      outcome.append(h('div', { class: 'notice success', role: 'status', id: 'commit-report' },
        h('strong', {}, 'Saved. '),
        `${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged`,
        `, ${report.relations} cross-sell pair${report.relations === 1 ? '' : 's'}.`,
        ' ', h('a', { href: `/admin/tenants/${encodeURIComponent(tenant)}`, 'data-link': true }, 'Back to the tenant')));
      toast('Services saved.');
      outcome.querySelector('strong').focus?.();
    } catch (err) {
      if (err.status === 401 || err.status === 403) return;
      const server = new Map();
      const other = [];
      for (const fe of err.errors) {
        const m = /^services\[(\d+)\]\.(name|price_kes|duration_minutes|category)$/.exec(fe.field);
        const r = m && l[Number(m[1])];
        if (r) {
          const field = { name: 'name', price_kes: 'price', duration_minutes: 'duration', category: 'category' }[m[2]];
          const mine = server.get(r) || {};
          mine[field] = `The server says: ${fe.message}.`;
          server.set(r, mine);
        } else {
          other.push(`${fe.field}: ${fe.message}`);
        }
      }
      for (const [r, p] of server) r.check(p);
      outcome.append(alertBox(err.status === 422
        ? `Nothing was saved: the server found ${err.errors.length} problem${err.errors.length === 1 ? '' : 's'}${server.size ? ', shown in the rows' : ''}.${other.length ? ` ${other.join('; ')}` : ''}`
        : `Nothing was saved: ${err.message}`));
    } finally {
      submit.textContent = 'Submit services';
      const unpriced = live().some((r) => (r.confidence === 'red' && !r.price.trim()) || Object.keys(rowProblems(r)).length);
      submit.disabled = unpriced || !live().length;
    }
  });

  for (const r of rows) tbody.append(rowView(r));
  const categories = [...new Set(rows.map((r) => r.category).filter(Boolean))];
  container.replaceChildren(
    h('h2', {}, 'Review'),
    summary,
    h('ul', { class: 'legend', 'aria-label': 'What the colours mean' },
      h('li', {}, h('span', { class: 'badge badge-green' }, '● Ready'), ' one clear price was read'),
      h('li', {}, h('span', { class: 'badge badge-yellow' }, '▲ Check'), ' a range, a "from" price, or several candidates'),
      h('li', {}, h('span', { class: 'badge badge-red' }, '■ Needs price'), ' no price, or one below the floor: type it')),
    h('p', { class: 'help' }, 'Tap a status to see why. Edit any cell; nothing is saved until you submit.'),
    h('div', { class: 'table-wrap' },
      h('table', { class: 'review', id: 'review-table' },
        h('caption', { class: 'sr-only' }, 'Services read from the menu'),
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Price (KES)'),
          h('th', { scope: 'col' }, 'Duration (min)'), h('th', { scope: 'col' }, 'Category'), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
        tbody)),
    h('datalist', { id: 'categories' }, categories.map((c) => h('option', { value: c }))),
    h('h3', {}, 'Cross-sell pairs'),
    h('p', { class: 'help' }, 'Services the assistant suggests together (after a manicure, a pedicure).'),
    relList,
    relForm,
    blocker,
    h('div', { class: 'actions' }, submit),
    outcome,
  );
  refresh();
  container.querySelector('h2').setAttribute('tabindex', '-1');
  container.querySelector('h2').focus();
  toast(`${rows.length} services read.`);
}
