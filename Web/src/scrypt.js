// scrypt (RFC 7914): PBKDF2-HMAC-SHA256 from WebCrypto around our own ROMix.
//
// The p lanes of ROMix are independent, so each runs in a Web Worker; the page keeps
// one worker per core the browser reports (navigator.hardwareConcurrency, at most 8,
// the p of BIP38's heavy scrypt) and hands lanes to whichever worker is free. Each
// worker keeps its 128·r·N-byte table between calls. Without workers the lanes run
// on the page's own thread (slower, same bytes).

// One lane: B (128·r bytes) ← ROMix_r(B, N), in place. Little-endian words throughout;
// the bytes are read and written through DataView, so the host's byte order never matters.
// `state` caches the work table; `progress(done)` is called every 1024 steps of 2N.
function romixLane(bytes, N, r, state, progress) {
  const words = 32 * r;
  if (!state.V || state.V.length < words * N) state.V = new Int32Array(words * N);
  if (!state.X || state.X.length !== words) {
    state.X = new Int32Array(words);
    state.Y = new Int32Array(words);
  }
  const V = state.V;
  let X = state.X;
  let Y = state.Y;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) X[i] = view.getInt32(4 * i, true);

  // Salsa20/8 core over the 16 words at T[t..], in place, after T[t..] ^= S[s..].
  function salsaXor(T, t, S, s) {
    let x0 = (T[t] ^= S[s]), x1 = (T[t + 1] ^= S[s + 1]), x2 = (T[t + 2] ^= S[s + 2]), x3 = (T[t + 3] ^= S[s + 3]);
    let x4 = (T[t + 4] ^= S[s + 4]), x5 = (T[t + 5] ^= S[s + 5]), x6 = (T[t + 6] ^= S[s + 6]);
    let x7 = (T[t + 7] ^= S[s + 7]), x8 = (T[t + 8] ^= S[s + 8]), x9 = (T[t + 9] ^= S[s + 9]);
    let x10 = (T[t + 10] ^= S[s + 10]), x11 = (T[t + 11] ^= S[s + 11]), x12 = (T[t + 12] ^= S[s + 12]);
    let x13 = (T[t + 13] ^= S[s + 13]), x14 = (T[t + 14] ^= S[s + 14]), x15 = (T[t + 15] ^= S[s + 15]);
    const j0 = x0, j1 = x1, j2 = x2, j3 = x3, j4 = x4, j5 = x5, j6 = x6, j7 = x7;
    const j8 = x8, j9 = x9, j10 = x10, j11 = x11, j12 = x12, j13 = x13, j14 = x14, j15 = x15;
    let u;
    for (let round = 0; round < 8; round += 2) {
      u = (x0 + x12) | 0; x4 ^= (u << 7) | (u >>> 25);
      u = (x4 + x0) | 0; x8 ^= (u << 9) | (u >>> 23);
      u = (x8 + x4) | 0; x12 ^= (u << 13) | (u >>> 19);
      u = (x12 + x8) | 0; x0 ^= (u << 18) | (u >>> 14);
      u = (x5 + x1) | 0; x9 ^= (u << 7) | (u >>> 25);
      u = (x9 + x5) | 0; x13 ^= (u << 9) | (u >>> 23);
      u = (x13 + x9) | 0; x1 ^= (u << 13) | (u >>> 19);
      u = (x1 + x13) | 0; x5 ^= (u << 18) | (u >>> 14);
      u = (x10 + x6) | 0; x14 ^= (u << 7) | (u >>> 25);
      u = (x14 + x10) | 0; x2 ^= (u << 9) | (u >>> 23);
      u = (x2 + x14) | 0; x6 ^= (u << 13) | (u >>> 19);
      u = (x6 + x2) | 0; x10 ^= (u << 18) | (u >>> 14);
      u = (x15 + x11) | 0; x3 ^= (u << 7) | (u >>> 25);
      u = (x3 + x15) | 0; x7 ^= (u << 9) | (u >>> 23);
      u = (x7 + x3) | 0; x11 ^= (u << 13) | (u >>> 19);
      u = (x11 + x7) | 0; x15 ^= (u << 18) | (u >>> 14);
      u = (x0 + x3) | 0; x1 ^= (u << 7) | (u >>> 25);
      u = (x1 + x0) | 0; x2 ^= (u << 9) | (u >>> 23);
      u = (x2 + x1) | 0; x3 ^= (u << 13) | (u >>> 19);
      u = (x3 + x2) | 0; x0 ^= (u << 18) | (u >>> 14);
      u = (x5 + x4) | 0; x6 ^= (u << 7) | (u >>> 25);
      u = (x6 + x5) | 0; x7 ^= (u << 9) | (u >>> 23);
      u = (x7 + x6) | 0; x4 ^= (u << 13) | (u >>> 19);
      u = (x4 + x7) | 0; x5 ^= (u << 18) | (u >>> 14);
      u = (x10 + x9) | 0; x11 ^= (u << 7) | (u >>> 25);
      u = (x11 + x10) | 0; x8 ^= (u << 9) | (u >>> 23);
      u = (x8 + x11) | 0; x9 ^= (u << 13) | (u >>> 19);
      u = (x9 + x8) | 0; x10 ^= (u << 18) | (u >>> 14);
      u = (x15 + x14) | 0; x12 ^= (u << 7) | (u >>> 25);
      u = (x12 + x15) | 0; x13 ^= (u << 9) | (u >>> 23);
      u = (x13 + x12) | 0; x14 ^= (u << 13) | (u >>> 19);
      u = (x14 + x13) | 0; x15 ^= (u << 18) | (u >>> 14);
    }
    T[t] = (x0 + j0) | 0; T[t + 1] = (x1 + j1) | 0; T[t + 2] = (x2 + j2) | 0; T[t + 3] = (x3 + j3) | 0;
    T[t + 4] = (x4 + j4) | 0; T[t + 5] = (x5 + j5) | 0; T[t + 6] = (x6 + j6) | 0; T[t + 7] = (x7 + j7) | 0;
    T[t + 8] = (x8 + j8) | 0; T[t + 9] = (x9 + j9) | 0; T[t + 10] = (x10 + j10) | 0;
    T[t + 11] = (x11 + j11) | 0; T[t + 12] = (x12 + j12) | 0; T[t + 13] = (x13 + j13) | 0;
    T[t + 14] = (x14 + j14) | 0; T[t + 15] = (x15 + j15) | 0;
  }

  // BlockMix: Y ← BlockMix(X), with the even blocks first and the odd ones after.
  // The running 64-byte value lives in the output slot it is written to, so each
  // Salsa call is one XOR and one core, with no copies.
  function blockMix(src, dst) {
    const last = (2 * r - 1) * 16;
    let prev = dst; // where the previous output block lives
    let prevAt = 0;
    for (let i = 0; i < 2 * r; i++) {
      const at = (i & 1) === 0 ? (i >> 1) * 16 : (r + (i >> 1)) * 16;
      if (i === 0) {
        for (let k = 0; k < 16; k++) dst[at + k] = src[last + k];
      } else {
        for (let k = 0; k < 16; k++) dst[at + k] = prev[prevAt + k];
      }
      salsaXor(dst, at, src, i * 16);
      prev = dst;
      prevAt = at;
    }
  }

  const mask = N - 1;
  const step = 1024;
  for (let i = 0; i < N; i++) {
    V.set(X, i * words);
    blockMix(X, Y);
    const T = X; X = Y; Y = T;
    if (progress && (i + 1) % step === 0) progress(i + 1);
  }
  const tail = (2 * r - 1) * 16;
  for (let i = 0; i < N; i++) {
    const j = X[tail] & mask;
    const base = j * words;
    for (let k = 0; k < words; k++) X[k] ^= V[base + k];
    blockMix(X, Y);
    const T = X; X = Y; Y = T;
    if (progress && (N + i + 1) % step === 0) progress(N + i + 1);
  }
  for (let i = 0; i < words; i++) view.setInt32(4 * i, X[i], true);
  state.X = X;
  state.Y = Y;
  return bytes;
}

// The worker's whole program: it receives {id, bytes, N, r} and answers with the lane
// done ({id, bytes}) and with progress ({id, done}) along the way.
function romixWorkerMain() {
  const state = {};
  self.onmessage = (event) => {
    const { id, bytes, N, r } = event.data;
    romixLane(bytes, N, r, state, (done) => self.postMessage({ id, done }));
    self.postMessage({ id, bytes }, [bytes.buffer]);
  };
}

const scryptPool = (() => {
  let workers = null;
  let nextId = 1;
  const pending = new Map();
  const queue = [];
  const idle = [];

  function start() {
    if (workers !== null) return;
    workers = [];
    if (typeof Worker !== 'function' || typeof Blob !== 'function') return;
    const source = `'use strict';\n${romixLane.toString()}\n(${romixWorkerMain.toString()})();\n`;
    let url;
    try {
      url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const count = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
      for (let i = 0; i < count; i++) {
        const worker = new Worker(url);
        worker.onmessage = (event) => finished(worker, event.data);
        worker.onerror = (event) => failed(worker, event);
        workers.push(worker);
        idle.push(worker);
      }
    } catch (error) {
      workers = [];
    }
  }

  function finished(worker, message) {
    const job = pending.get(message.id);
    if (!job) return;
    if (message.bytes === undefined) {
      if (job.onProgress) job.onProgress(message.done);
      return;
    }
    pending.delete(message.id);
    job.resolve(message.bytes);
    idle.push(worker);
    dispatch();
  }

  // A worker that fails (out of memory, most likely) fails its lane's promise, and is
  // not used again; when none is left, the lanes run on this thread.
  function failed(worker, event) {
    event.preventDefault();
    workers.splice(workers.indexOf(worker), 1);
    if (idle.includes(worker)) idle.splice(idle.indexOf(worker), 1);
    for (const [id, job] of pending) {
      if (job.worker === worker) {
        pending.delete(id);
        job.reject(new Error(`a scrypt worker failed (${event.message || 'no reason given'}); try again`));
      }
    }
    worker.terminate();
  }

  function dispatch() {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop();
      const job = queue.shift();
      job.worker = worker;
      pending.set(job.id, job);
      worker.postMessage({ id: job.id, bytes: job.bytes, N: job.N, r: job.r }, [job.bytes.buffer]);
    }
  }

  const mainThreadState = {};
  return {
    get lanes() {
      start();
      return Math.max(1, workers.length);
    },
    get usesWorkers() {
      start();
      return workers.length > 0;
    },
    // Runs one lane; resolves to its bytes. `onProgress(done)` counts steps of 2N.
    run(bytes, N, r, onProgress) {
      start();
      if (workers.length === 0) {
        return Promise.resolve(romixLane(bytes, N, r, mainThreadState, onProgress));
      }
      return new Promise((resolve, reject) => {
        queue.push({ id: nextId++, bytes, N, r, resolve, reject, onProgress });
        dispatch();
      });
    },
  };
})();

async function pbkdf2Sha256(password, salt, length) {
  const key = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 1 }, key, 8 * length);
  return new Uint8Array(bits);
}

// How many scrypt calls the page has made (the tests check that a bad code costs none).
let scryptCallCount = 0;

// scrypt(password, salt, N, r, p, length). `onProgress(fraction)` reports 0...1.
// Small parameters (site B's N = 1024) run on this thread: a worker round trip costs more.
async function scrypt(password, salt, N, r, p, length, onProgress) {
  scryptCallCount++;
  const laneBytes = 128 * r;
  const B = await pbkdf2Sha256(password, salt, p * laneBytes);
  const done = new Array(p).fill(0);
  const report = () => {
    if (onProgress) onProgress(done.reduce((a, b) => a + b, 0) / (2 * N * p));
  };
  const heavy = N * r >= 16384;
  const lanes = [];
  for (let lane = 0; lane < p; lane++) {
    const bytes = B.slice(lane * laneBytes, (lane + 1) * laneBytes);
    const progress = (steps) => {
      done[lane] = steps;
      report();
    };
    lanes.push(heavy ? scryptPool.run(bytes, N, r, progress) : Promise.resolve(romixLane(bytes, N, r, {}, null)));
  }
  const mixed = await Promise.all(lanes);
  mixed.forEach((bytes, lane) => B.set(bytes, lane * laneBytes));
  done.fill(2 * N);
  report();
  return pbkdf2Sha256(password, B, length);
}
