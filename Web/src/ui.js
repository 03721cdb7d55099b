// The page: its fingerprint, the script API (window.bip38), the two forms, the QR code.

// The page's own SHA-256, over its source as the browser read it: the template is
// written so that parsing and serialising it again gives back the same bytes (the
// browser test checks the value against `sha256sum verify.html`). Taken before any
// script changes the document.
const PAGE_SOURCE = '<!DOCTYPE html>' + document.documentElement.outerHTML;

const $ = (id) => document.getElementById(id);

// A rough time for one heavy scrypt on this machine: every worker runs a 1/16-size lane
// (N = 1024, r = 8) at once, twice (the first warms the JIT), and the second is scaled up.
// After each real run the estimate is the time that run took per scrypt.
let heavyScryptSeconds = null;
async function calibrate() {
  const lanes = scryptPool.lanes;
  let perRound = 0;
  for (let round = 0; round < 2; round++) {
    const started = performance.now();
    const runs = [];
    for (let i = 0; i < lanes; i++) runs.push(scryptPool.run(new Uint8Array(1024), 1024, 8, null));
    await Promise.all(runs);
    perRound = (performance.now() - started) / 1000;
  }
  heavyScryptSeconds = perRound * 16 * Math.ceil(HEAVY.p / lanes);
  return heavyScryptSeconds;
}

function estimateText(passphrase) {
  const calls = scryptCalls(passphrase);
  const where = scryptPool.usesWorkers ? `${scryptPool.lanes} worker(s)` : 'one thread (no workers)';
  const tries = calls > 1 ? ', up to 2 tries (as typed, then in its card form)' : '';
  if (heavyScryptSeconds === null) return `scrypt on ${where}${tries}`;
  const low = heavyScryptSeconds;
  return `about ${low.toFixed(1)} s${calls > 1 ? ` (up to ${(low * calls).toFixed(1)} s)` : ''} on ${where}${tries}`;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

function setRows(id, rows) {
  const table = $(id);
  table.replaceChildren();
  for (const [name, value] of rows) {
    const row = document.createElement('tr');
    const head = document.createElement('th');
    head.textContent = name;
    const cell = document.createElement('td');
    cell.textContent = value;
    row.append(head, cell);
    table.append(row);
  }
}

function drawQR(canvas, text) {
  const code = qrcodeGenerator(0, 'M');
  code.addData(text);
  code.make();
  const count = code.getModuleCount();
  const quiet = 4;
  const scale = Math.max(2, Math.floor(240 / (count + 2 * quiet)));
  const side = (count + 2 * quiet) * scale;
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, side, side);
  context.fillStyle = '#000';
  for (let row = 0; row < count; row++) {
    for (let column = 0; column < count; column++) {
      if (code.isDark(row, column)) context.fillRect((column + quiet) * scale, (row + quiet) * scale, scale, scale);
    }
  }
}

const formText = (form) => (form === 'canonical' ? 'matched in its card form (spaces, dashes or case differed)' : 'as typed');
const orDash = (value) => (value === null ? '–' : String(value));

// One form's run: estimate, progress, then the result or one clear error.
function wire(prefix, work, render) {
  const button = $(`${prefix}-run`);
  const progress = $(`${prefix}-progress`);
  const status = $(`${prefix}-status`);
  $(`${prefix}-form`).addEventListener('submit', async (event) => {
    event.preventDefault();
    const code = $(`${prefix}-code`).value;
    const passphrase = $(`${prefix}-passphrase`).value;
    show(`${prefix}-result`, false);
    show(`${prefix}-error`, false);
    button.disabled = true;
    progress.value = 0;
    show(`${prefix}-progress`, true);
    status.textContent = `Working: ${estimateText(passphrase)}.`;
    const started = performance.now();
    try {
      let triesRun = 1;
      const result = await work(code, passphrase, (fraction, index) => {
        progress.value = fraction;
        triesRun = index + 1;
      });
      const elapsed = (performance.now() - started) / 1000;
      heavyScryptSeconds = elapsed / triesRun;
      const seconds = elapsed.toFixed(1);
      status.textContent = `Done in ${seconds} s; passphrase ${formText(result.passphrase_form)}.`;
      render(result);
      show(`${prefix}-result`, true);
    } catch (error) {
      status.textContent = '';
      $(`${prefix}-error`).textContent = error.message;
      show(`${prefix}-error`, true);
    } finally {
      button.disabled = false;
      show(`${prefix}-progress`, false);
    }
  });
}

function start() {
  sha256(new TextEncoder().encode(PAGE_SOURCE)).then((hash) => {
    $('page-sha256').textContent = toHex(hash);
  });
  for (const tab of ['decrypt', 'verify']) {
    $(`tab-${tab}`).addEventListener('click', () => {
      for (const other of ['decrypt', 'verify']) {
        show(`${other}-section`, other === tab);
        $(`tab-${other}`).setAttribute('aria-selected', String(other === tab));
      }
    });
  }
  wire('decrypt', decrypt, (result) => {
    setRows('decrypt-table', [
      ['address', result.address],
      ['WIF', result.wif],
      ['private key (hex)', result.private_key_hex],
      ['compressed', result.compressed ? 'yes' : 'no'],
      ['mode', result.ec_multiply ? 'EC-multiply' : 'non-EC'],
      ['network', result.network],
      ['lot', orDash(result.lot)],
      ['sequence', orDash(result.sequence)],
    ]);
    drawQR($('decrypt-qr'), result.wif);
  });
  wire('verify', confirm, (result) => {
    setRows('verify-table', [
      ['address', result.address],
      ['compressed', result.compressed ? 'yes' : 'no'],
      ['network', result.network],
      ['lot', orDash(result.lot)],
      ['sequence', orDash(result.sequence)],
    ]);
  });
  for (const prefix of ['decrypt', 'verify']) {
    $(`${prefix}-passphrase`).addEventListener('input', (event) => {
      $(`${prefix}-estimate`).textContent = `Time: ${estimateText(event.target.value)}.`;
    });
  }
  calibrate().then(() => {
    for (const prefix of ['decrypt', 'verify']) {
      $(`${prefix}-estimate`).textContent = `Time: ${estimateText($(`${prefix}-passphrase`).value)}.`;
    }
    document.body.dataset.ready = 'yes';
  });
}

// The script API, for tests and for people who read the code.
window.bip38 = Object.freeze({
  decrypt: (encryptedKey, passphrase) => decrypt(encryptedKey, passphrase),
  confirm: (confirmationCode, passphrase) => confirm(confirmationCode, passphrase),
  canonicalCardPassphrase,
  pageSource: () => PAGE_SOURCE,
  lanes: () => scryptPool.lanes,
  // The parts, for the page's own tests (Web/test/unit.js).
  internals: Object.freeze({
    base58Encode, base58Decode, ripemd160, scrypt, aesKey, aesDecryptBlock, toHex, fromHex,
    scryptCalls: () => scryptCallCount,
  }),
});

start();
