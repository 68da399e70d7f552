// The step player: one recorded run (or several side by side), its current half-step, and
// the controls that move it. Python packs everything (gmmviz.figures.player); this script only
// draws: the points once, and at each half-step what changes (colours, ellipses, means, the
// cursor, the title and the step panel).
//
// Contract for tests: the root has data-testid="gmmviz-player", data-step (the half-step
// shown) and data-steps (how many it holds); the step panel has
// data-testid="gmmviz-step-panel"; the buttons' accessible names start with Play, Pause, Back
// and Next.
//
// Hands on the data (data.hands, the explorer only): with hands.points a click on empty space
// adds a point there and a click on a point removes it; at the start, or at any half-step with
// hands.start, a mean can be dragged (and, with hands.start, the handles on its 1σ ellipse).
// Each change goes to Python as one "edit" trigger ({kind: "add" | "remove" | "start", ...,
// uid, id}); the player takes no other change until Python has seen that one (hands.seen).

const PLAYERS = new Set();
let ACTIVE = null; // the player the keys drive: the last one used, else the first on screen

// The player's own words in English; Python sends them in the page's language as data.text.
const WORDS = {
  play: "Play", pause: "Pause", back: "Back", next_plain: "Next",
  play_button: "▶ Play", pause_button: "⏸ Pause", back_button: "◀ Back", next_button: "Next ▶",
  next: "Next: {s}", next_button_to: "Next: {s} ▶",
  slider: "Half-step", scatter: "scatter plot of the data", curve: "curve of the run",
  ellipse: "{s} ellipse", means: "means, size ∝ √π", fitting: "Fitting again…",
  chosen: "Component {k} chosen: Shift+arrows move its mean, + and − scale its ellipse, R turns it, Esc lets go.",
  edit: "Edit points: click empty space to add a point there, click a point to remove it.",
  start: "Set start: drag a mean, or a round handle on its 1σ ellipse, or press 1 to 9 to choose one.",
  drag: "Drag a mean to start EM from there (or press 1 to 9 to choose one).",
  point: "point {j} · x = ({x}, {y})",
  remove_point: "click to remove point {j} · x = ({x}, {y})",
};

// An ellipse level's line style: Python sends its index (older data: its name).
const DASHES = ["solid", "dash", "dot", "dashdot"];
const dashName = (d) => (typeof d === "number" ? DASHES[d] || "solid" : d);
const DASH_PATTERNS = { dash: [9, 6], dot: [2, 5], dashdot: [9, 4, 2, 4] };
const dashPattern = (d) => DASH_PATTERNS[dashName(d)] || [];

// The word `key` in the player's language (English when Python sent none), its {names} filled.
function word(player, key, values = {}) {
  const sent = player && player.data && player.data.text;
  const text = (sent && typeof sent[key] === "string" && sent[key]) || WORDS[key];
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

function decode(b64, Type) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return Type === Uint8Array ? bytes : new Type(bytes.buffer);
}

// The canvas sized to w x h CSS pixels (sharp on a dense screen), its context cleared.
function freshContext(canvas, w, h) {
  const dpr = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${h}px`;
  }
  const ctx = canvas.getContext("2d");
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  return ctx;
}

function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// ---------------------------------------------------------------------------- axes
function niceStep(span, target) {
  const raw = span / Math.max(target, 1);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

function ticks(lo, hi, target) {
  if (!(hi > lo)) return [lo];
  const step = niceStep(hi - lo, target);
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
    out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  }
  return out;
}

function tickText(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(1);
  return String(Math.round(v * 1e6) / 1e6);
}

// ---------------------------------------------------------------------------- one scatter panel
class Panel {
  constructor(player, spec, index) {
    this.player = player;
    this.index = index;
    this.spec = spec;
    this.root = el("div", { class: "gp-panel" });
    if (spec.title) this.root.append(el("div", { class: "gp-ptitle", text: spec.title }));
    this.wrap = el("div", { class: "gp-canvas-wrap" });
    this.canvas = el("canvas", { class: "gp-canvas", "aria-label": word(player, "scatter") });
    this.labels = el("div", { class: "gp-labels" });
    this.wrap.append(this.canvas, this.labels);
    this.root.append(this.wrap);
    this.canvas.addEventListener("click", (e) => this.click(e));
    this.canvas.addEventListener("pointerdown", (e) => this.press(e));
    this.canvas.addEventListener("mousemove", (e) => this.hover(e));
    this.canvas.addEventListener("mouseleave", () => player.tip.classList.remove("gp-show"));
    this.load(spec);
  }

  load(spec) {
    this.spec = spec;
    this.pts = decode(spec.pts, Float32Array);
    this.codes = spec.codes.map((c) => decode(c, Uint8Array));
    this.ell = spec.ell.map((c) => decode(c, Float32Array));
    this.rgb = spec.rgb.map((c) => `rgb(${c[0]},${c[1]},${c[2]})`);
    this.dens = spec.dens ? spec.dens.map((c) => decode(c, Uint8Array)) : null;
    this.reg = spec.reg ? spec.reg.map((c) => decode(c, Uint8Array)) : null;
    this.regRgb = spec.reg ? spec.colors.map((c) => [1, 3, 5].map((o) => parseInt(c.slice(o, o + 2), 16))) : null;
    this.densCache = new Map();
    this.regCache = new Map();
    this.bucketed = null;
  }

  // the parameters' index at half-step i
  paramsAt(i) {
    return this.spec.ei[Math.min(i, this.spec.ei.length - 1)];
  }

  // data -> pixels with one unit the same length on both axes
  layout(w, h) {
    const m = { l: 56, r: 10, t: 10, b: 44 };
    const [x0, x1] = this.spec.x;
    const [y0, y1] = this.spec.y;
    const pw = Math.max(w - m.l - m.r, 10);
    const ph = Math.max(h - m.t - m.b, 10);
    const s = Math.min(pw / (x1 - x0 || 1), ph / (y1 - y0 || 1));
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const ox = m.l + pw / 2;
    const oy = m.t + ph / 2;
    this.map = {
      m, pw, ph, s,
      px: (x) => ox + (x - cx) * s,
      py: (y) => oy - (y - cy) * s,
      dx: (px) => cx + (px - ox) / s,
      dy: (py) => cy - (py - oy) / s,
    };
  }

  size() {
    const w = this.wrap.clientWidth || 600;
    // as tall as the width allows, but leaving room on screen for the controls around it;
    // in presentation mode, down to the bottom of the screen less the controls' row
    const rows = Math.ceil(this.player.data.panels.length / 3);
    let fit = window.innerHeight * (rows > 1 ? 0.36 : 0.62);
    if (this.player.data.present) {
      const top = this.player.grid.getBoundingClientRect().top + window.scrollY;
      const title = this.spec.title ? 26 : 0;
      fit = (window.innerHeight - top - 78) / rows - title - 10;
    }
    const h = this.player.data.panelHeight
      || Math.round(Math.min(Math.max(Math.min(w * 0.85, fit), 220), 900));
    return [w, h];
  }

  draw(i) {
    const spec = this.spec;
    const [w, h] = this.size();
    const ctx = freshContext(this.canvas, w, h);
    this.layout(w, h);
    const M = this.map;
    this.drawAxes(ctx, w, h);
    ctx.save();
    ctx.beginPath();
    ctx.rect(M.m.l, M.m.t, M.pw, M.ph);
    ctx.clip();
    const pi = this.paramsAt(i);
    if (this.dens) this.drawDensity(ctx, pi);
    if (this.reg) this.drawRegions(ctx, pi);
    this.drawPoints(ctx, spec.ci[Math.min(i, spec.ci.length - 1)]);
    this.drawEllipses(ctx, pi);
    ctx.restore();
    this.drawMeans(ctx, pi);
    this.drawHands(ctx, pi);
    this.placeLabels(pi);
  }

  drawAxes(ctx, w, h) {
    const M = this.map;
    const fs = this.player.fontSize;
    ctx.font = `${fs - 2}px sans-serif`;
    ctx.fillStyle = "#444";
    ctx.strokeStyle = "#e6e6e6";
    ctx.lineWidth = 1;
    const xs = ticks(M.dx(M.m.l), M.dx(M.m.l + M.pw), Math.max(3, M.pw / 90));
    const ys = ticks(M.dy(M.m.t + M.ph), M.dy(M.m.t), Math.max(3, M.ph / 70));
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of xs) {
      const x = M.px(v);
      ctx.beginPath(); ctx.moveTo(x, M.m.t); ctx.lineTo(x, M.m.t + M.ph); ctx.stroke();
      ctx.fillText(tickText(v), x, M.m.t + M.ph + 4);
    }
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of ys) {
      const y = M.py(v);
      ctx.beginPath(); ctx.moveTo(M.m.l, y); ctx.lineTo(M.m.l + M.pw, y); ctx.stroke();
      ctx.fillText(tickText(v), M.m.l - 5, y);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.font = `${fs}px sans-serif`;
    ctx.fillText("x₁", M.m.l + M.pw / 2, h - 2);
    ctx.save();
    ctx.translate(14, M.m.t + M.ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText("x₂", 0, 0);
    ctx.restore();
  }

  // an n x n grid of byte cells over the axes' ranges (row 0 is the lowest y), each cell
  // painted as an RGBA pixel by paint(pixels, offset, cell); the image is made once per pi
  drawGrid(ctx, cache, pi, n, cells, paint, smooth) {
    let img = cache.get(pi);
    if (!img) {
      img = document.createElement("canvas");
      img.width = n; img.height = n;
      const g = img.getContext("2d");
      const id = g.createImageData(n, n);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < n; c++) paint(id.data, ((n - 1 - r) * n + c) * 4, cells[r * n + c]);
      }
      g.putImageData(id, 0, 0);
      cache.set(pi, img);
    }
    const M = this.map;
    const [x0, x1] = this.spec.x;
    const [y0, y1] = this.spec.y;
    ctx.imageSmoothingEnabled = smooth;
    ctx.drawImage(img, M.px(x0), M.py(y1), (x1 - x0) * M.s, (y1 - y0) * M.s);
  }

  drawDensity(ctx, pi) {
    this.drawGrid(ctx, this.densCache, pi, this.spec.dgrid, this.dens[pi], (px, o, v) => {
      px[o] = 70; px[o + 1] = 85; px[o + 2] = 125; px[o + 3] = Math.round(v * 0.5);
    }, true);
  }

  // each grid cell tinted by the component (centre) that wins it
  drawRegions(ctx, pi) {
    this.drawGrid(ctx, this.regCache, pi, this.spec.rgrid, this.reg[pi], (px, o, v) => {
      const col = this.regRgb[v] || [200, 200, 200];
      px[o] = col[0]; px[o + 1] = col[1]; px[o + 2] = col[2]; px[o + 3] = 38;
    }, false);
  }

  // the points bucketed by colour code (one fill per colour), kept for the last codes drawn:
  // a drag or a resize redraws the same half-step without sorting the points again
  buckets(ci) {
    if (this.bucketed && this.bucketed.ci === ci) return this.bucketed;
    const codes = this.codes[ci];
    const n = this.spec.n;
    const count = new Uint32Array(257);
    for (let j = 0; j < n; j++) count[codes[j] + 1]++;
    for (let c = 1; c < 257; c++) count[c] += count[c - 1];
    const order = new Uint32Array(n);
    const at = count.slice();
    for (let j = 0; j < n; j++) order[at[codes[j]]++] = j;
    this.bucketed = { ci, count, order };
    return this.bucketed;
  }

  drawPoints(ctx, ci) {
    const M = this.map;
    const pts = this.pts;
    const n = this.spec.n;
    const big = n <= 2000;
    const r = this.pointRadius();
    const { count, order } = this.buckets(ci);
    ctx.globalAlpha = 0.85;
    for (let c = 0; c < 256; c++) {
      const a = count[c];
      const b = count[c + 1];
      if (a === b) continue;
      ctx.fillStyle = this.rgb[c];
      ctx.beginPath();
      for (let q = a; q < b; q++) {
        const j = order[q];
        const x = M.px(pts[2 * j]);
        const y = M.py(pts[2 * j + 1]);
        if (big) { ctx.moveTo(x + r, y); ctx.arc(x, y, r, 0, 6.283185307179586); }
        else ctx.rect(x - r, y - r, 2 * r, 2 * r);
      }
      ctx.fill();
      if (big) { ctx.strokeStyle = "rgba(255,255,255,0.9)"; ctx.lineWidth = 0.6; ctx.stroke(); }
    }
    ctx.globalAlpha = 1;
    const sel = this.player.point;
    if (sel !== null && sel >= 0 && sel < n) {
      ctx.strokeStyle = "#111";
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      ctx.arc(M.px(pts[2 * sel]), M.py(pts[2 * sel + 1]), r + 5, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  drawEllipses(ctx, pi) {
    const M = this.map;
    const e = this.ell[pi];
    const nlev = this.spec.nlev;
    const npts = this.spec.npts;
    const styles = this.player.data.levels;
    const k = this.spec.colors.length;
    for (let j = 0; j < k; j++) {
      const moved = this.moved(j);
      if (moved && moved.axes) { this.drawMovedEllipse(ctx, j, moved); continue; }
      for (let l = 0; l < nlev; l++) {
        const base = ((j * nlev + l) * npts) * 2;
        if (!Number.isFinite(e[base])) continue;
        const [, style, width] = styles[l];
        ctx.strokeStyle = this.spec.colors[j];
        ctx.lineWidth = width * 0.8;
        ctx.setLineDash(dashPattern(style));
        ctx.beginPath();
        for (let q = 0; q < npts; q++) {
          const x = M.px(e[base + 2 * q]);
          const y = M.py(e[base + 2 * q + 1]);
          if (q === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
  }

  meanRadius(w) {
    return (12 + 28 * Math.sqrt(Math.min(Math.max(w, 0), 1))) / 2;
  }

  drawMeans(ctx, pi) {
    const M = this.map;
    const means = this.meansAt(pi);
    means.forEach((mw, j) => {
      if (!mw) return;
      const x = M.px(mw[0]);
      const y = M.py(mw[1]);
      if (x < M.m.l - 20 || x > M.m.l + M.pw + 20 || y < M.m.t - 20 || y > M.m.t + M.ph + 20) return;
      const r = this.meanRadius(mw[2]);
      ctx.beginPath();
      ctx.moveTo(x, y - r); ctx.lineTo(x + r, y); ctx.lineTo(x, y + r); ctx.lineTo(x - r, y);
      ctx.closePath();
      ctx.fillStyle = this.spec.colors[j];
      ctx.fill();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#111";
      ctx.stroke();
    });
  }

  // "π=0.33" beside each mean, where it overlaps neither another label nor a mean; a label
  // with no free place goes to the list under the figure.
  placeLabels(pi) {
    const M = this.map;
    const means = this.meansAt(pi);
    this.labels.textContent = "";
    const fs = this.player.fontSize - 1;
    const w = fs * 4.1;
    const h = fs * 1.45;
    const boxes = [];
    const obstacles = [];
    means.forEach((mw) => {
      if (!mw) return;
      const r = this.meanRadius(mw[2]);
      obstacles.push([M.px(mw[0]) - r, M.py(mw[1]) - r, M.px(mw[0]) + r, M.py(mw[1]) + r]);
    });
    const hit = (b, list) => list.some((o) => b[0] < o[2] && b[2] > o[0] && b[1] < o[3] && b[3] > o[1]);
    const left = [];
    means.forEach((mw, j) => {
      if (!mw) return;
      const x = M.px(mw[0]);
      const y = M.py(mw[1]);
      const r = this.meanRadius(mw[2]) + 3;
      const spots = [
        [x - w / 2, y - r - h], [x - w / 2, y + r], [x + r, y - h / 2], [x - r - w, y - h / 2],
        [x + r * 0.7, y - r * 0.7 - h], [x - r * 0.7 - w, y - r * 0.7 - h],
        [x + r * 0.7, y + r * 0.7], [x - r * 0.7 - w, y + r * 0.7],
        [x - w / 2, y - r - 2 * h], [x - w / 2, y + r + h],
      ];
      const inside = (b) => b[0] >= M.m.l && b[2] <= M.m.l + M.pw && b[1] >= M.m.t && b[3] <= M.m.t + M.ph;
      const spot = spots.map(([a, b]) => [a, b, a + w, b + h]).find((b) => inside(b) && !hit(b, boxes) && !hit(b, obstacles));
      const text = `π=${mw[2].toFixed(2)}`;
      if (!spot) { left.push([j, text]); return; }
      boxes.push(spot);
      const lab = el("div", { class: "gp-pi", "data-component": String(j + 1), text });
      lab.style.left = `${spot[0]}px`;
      lab.style.top = `${spot[1]}px`;
      lab.style.width = `${w}px`;
      lab.style.height = `${h}px`;
      lab.style.borderColor = this.spec.colors[j];
      lab.style.fontSize = `${fs}px`;
      this.labels.append(lab);
    });
    this.hiddenLabels = left;
  }

  nearest(e, radius) {
    const [mx, my] = this.mouse(e);
    const M = this.map;
    const pts = this.pts;
    let best = -1;
    let bd = radius * radius;
    for (let j = 0; j < this.spec.n; j++) {
      const dx = M.px(pts[2 * j]) - mx;
      const dy = M.py(pts[2 * j + 1]) - my;
      const d = dx * dx + dy * dy;
      if (d <= bd) { bd = d; best = j; }
    }
    return best;
  }

  click(e) {
    ACTIVE = this.player;
    if (this.player.suppressClick) return;
    if (this.player.editing()) { this.editClick(e); return; }
    const j = this.nearest(e, 12);
    if (j >= 0) this.player.choosePoint(j);
  }

  // ------------------------------------------------------------------ hands on the data
  pointRadius() {
    const n = this.spec.n;
    return n <= 2000 ? 4.5 : n <= 20000 ? 2.6 : 1.8;
  }

  mouse(e) {
    const rect = this.canvas.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }

  // Edit points: a click on a point removes it, one on empty space adds a point there.
  editClick(e) {
    const P = this.player;
    if (P.pending) return;
    P.pause(false);
    const j = this.nearest(e, this.pointRadius() + 3);
    if (j >= 0) {
      const mark = { kind: "remove", x: this.pts[2 * j], y: this.pts[2 * j + 1] };
      if (P.sendEdit({ kind: "remove", index: j })) P.marks = [mark];
    } else {
      const [mx, my] = this.mouse(e);
      const M = this.map;
      if (mx < M.m.l || mx > M.m.l + M.pw || my < M.m.t || my > M.m.t + M.ph) return;
      const x = M.dx(mx);
      const y = M.dy(my);
      if (P.sendEdit({ kind: "add", x, y })) P.marks = [{ kind: "add", x, y }];
    }
    this.draw(P.step);
  }

  // the component j as moved by hand but not yet fitted again (or null)
  moved(j) {
    const m = this.player.startEdit;
    return m && m.panel === this.index && m.j === j ? m : null;
  }

  meansAt(pi) {
    return this.spec.means[pi].map((mw, j) => {
      const m = this.moved(j);
      return m && mw ? [m.mean[0], m.mean[1], mw[2]] : mw;
    });
  }

  // component j at half-step i: its mean and 1σ ellipse (axes: [major, minor, degrees])
  compAt(i, j) {
    const pi = this.paramsAt(i);
    const m = this.moved(j);
    if (m) return { x: m.mean[0], y: m.mean[1], axes: m.axes };
    const mw = this.spec.means[pi][j];
    if (!mw) return null;
    const axes = this.spec.axes ? this.spec.axes[pi][j] : null;
    return { x: mw[0], y: mw[1], axes };
  }

  // the ends of the 1σ ellipse's axes, in pixels: [major end, minor end]
  handles(c) {
    const M = this.map;
    const [a, b, deg] = c.axes;
    const t = (deg * Math.PI) / 180;
    return [
      [M.px(c.x + a * Math.cos(t)), M.py(c.y + a * Math.sin(t))],
      [M.px(c.x - b * Math.sin(t)), M.py(c.y + b * Math.cos(t))],
    ];
  }

  drawMovedEllipse(ctx, j, m) {
    const M = this.map;
    const [a, b, deg] = m.axes;
    const styles = this.player.data.levels;
    ctx.strokeStyle = this.spec.colors[j];
    styles.forEach(([label, style, width]) => {
      const lv = parseFloat(label) || 1;
      ctx.lineWidth = width * 0.8;
      ctx.setLineDash(dashPattern(style));
      ctx.beginPath();
      ctx.ellipse(M.px(m.mean[0]), M.py(m.mean[1]), a * lv * M.s, b * lv * M.s, (-deg * Math.PI) / 180, 0, 2 * Math.PI);
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  // the handles of Set start, the component chosen by key, and the changes on their way
  drawHands(ctx, pi) {
    const P = this.player;
    const M = this.map;
    const k = this.spec.colors.length;
    if (P.canDrag() && P.data.hands.start) {
      for (let j = 0; j < k; j++) {
        const c = this.compAt(P.step, j);
        if (!c || !c.axes) continue;
        for (const [hx, hy] of this.handles(c)) {
          ctx.beginPath();
          ctx.arc(hx, hy, 5.5, 0, 2 * Math.PI);
          ctx.fillStyle = "#fff";
          ctx.fill();
          ctx.lineWidth = 2.5;
          ctx.strokeStyle = this.spec.colors[j];
          ctx.stroke();
        }
      }
    }
    const sel = P.selected;
    if (P.canDrag() && sel !== null && sel < k) {
      const c = this.compAt(P.step, sel);
      if (c) {
        ctx.beginPath();
        ctx.arc(M.px(c.x), M.py(c.y), this.meanRadius(1) + 6, 0, 2 * Math.PI);
        ctx.setLineDash([4, 3]);
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#111";
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    for (const mark of P.marks) {
      const x = M.px(mark.x);
      const y = M.py(mark.y);
      const r = this.pointRadius() + 3;
      ctx.beginPath();
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#111";
      if (mark.kind === "add") ctx.arc(x, y, r, 0, 2 * Math.PI);
      else { ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r); }
      ctx.stroke();
    }
  }

  // what a press at (mx, my) takes hold of: a handle (Set start) or a mean
  grab(mx, my) {
    const P = this.player;
    if (!this.map) return null;
    const k = this.spec.colors.length;
    const near = (x, y, r) => (x - mx) ** 2 + (y - my) ** 2 <= r * r;
    if (P.data.hands && P.data.hands.start) {
      for (let j = k - 1; j >= 0; j--) {
        const c = this.compAt(P.step, j);
        if (!c || !c.axes) continue;
        const [major, minor] = this.handles(c);
        if (near(major[0], major[1], 9)) return { j, part: "major" };
        if (near(minor[0], minor[1], 9)) return { j, part: "minor" };
      }
    }
    const means = this.meansAt(this.paramsAt(P.step));
    for (let j = k - 1; j >= 0; j--) {
      const mw = means[j];
      if (mw && near(this.map.px(mw[0]), this.map.py(mw[1]), this.meanRadius(mw[2]) + 3)) return { j, part: "mean" };
    }
    return null;
  }

  press(e) {
    const P = this.player;
    if (e.button !== 0 || !P.canDrag() || P.pending) return;
    const [mx, my] = this.mouse(e);
    const hit = this.grab(mx, my);
    if (!hit) return;
    e.preventDefault();
    ACTIVE = P;
    P.pause(false);
    if (P.startEdit && P.startEdit.j !== hit.j) P.startEdit = null; // one component at a time
    P.selected = hit.j;
    this.drag = { ...hit, mx, my, moved: false, base: this.compAt(P.step, hit.j) };
    this.canvas.setPointerCapture(e.pointerId);
    const move = (ev) => this.dragTo(ev);
    const up = () => {
      this.canvas.removeEventListener("pointermove", move);
      this.canvas.removeEventListener("pointerup", up);
      this.canvas.removeEventListener("pointercancel", up);
      const drag = this.drag;
      this.drag = null;
      if (!drag || !drag.moved) return;
      P.suppressClick = true; // the click that ends a drag is not a click on the figure
      setTimeout(() => { P.suppressClick = false; }, 0);
      P.commitStart();
    };
    this.canvas.addEventListener("pointermove", move);
    this.canvas.addEventListener("pointerup", up);
    this.canvas.addEventListener("pointercancel", up);
  }

  dragTo(e) {
    const d = this.drag;
    if (!d || !d.base) return;
    const [mx, my] = this.mouse(e);
    if (!d.moved && (mx - d.mx) ** 2 + (my - d.my) ** 2 < 9) return;
    d.moved = true;
    this.canvas.style.cursor = "grabbing";
    const M = this.map;
    const x = M.dx(mx);
    const y = M.dy(my);
    const b = d.base;
    const P = this.player;
    const before = P.startEdit;
    let mean = [b.x, b.y];
    let axes = b.axes;
    if (d.part === "mean") mean = [x, y];
    else {
      // the handle's distance from the mean is the new semi-axis, its direction the new tilt
      const least = 1e-3 * Math.max(this.spec.x[1] - this.spec.x[0], this.spec.y[1] - this.spec.y[0]);
      const len = Math.max(Math.hypot(x - b.x, y - b.y), least);
      const deg = (Math.atan2(y - b.y, x - b.x) * 180) / Math.PI;
      axes = d.part === "major" ? [len, b.axes[1], deg] : [b.axes[0], len, deg - 90];
    }
    P.startEdit = {
      panel: this.index, j: d.j, mean, axes,
      axesChanged: d.part !== "mean" || !!(before && before.axesChanged),
    };
    this.draw(P.step);
  }

  hover(e) {
    const P = this.player;
    const tip = P.tip;
    if (this.drag) return;
    if (P.canDrag() && this.grab(...this.mouse(e))) {
      tip.classList.remove("gp-show");
      this.canvas.style.cursor = "grab";
      return;
    }
    const editing = P.editing();
    const j = this.nearest(e, editing ? this.pointRadius() + 3 : 9);
    if (j < 0) {
      tip.classList.remove("gp-show");
      this.canvas.style.cursor = editing ? "crosshair" : "default";
      return;
    }
    this.canvas.style.cursor = "pointer";
    const x = this.pts[2 * j];
    const y = this.pts[2 * j + 1];
    tip.textContent = word(this.player, editing ? "remove_point" : "point", { j, x: x.toPrecision(4), y: y.toPrecision(4) });
    const host = this.player.root.getBoundingClientRect();
    tip.style.left = `${e.clientX - host.left + 12}px`;
    tip.style.top = `${e.clientY - host.top + 12}px`;
    tip.classList.add("gp-show");
  }
}

// ---------------------------------------------------------------------------- the curve
class Chart {
  constructor(player) {
    this.player = player;
    this.canvas = el("canvas", { class: "gp-chart", "aria-label": word(player, "curve") });
    this.extentOf = null;
  }

  // the curves' y range (with a margin) and their length, worked out once per chart sent
  extent(chart) {
    if (this.extentOf !== chart) {
      let lo = Infinity;
      let hi = -Infinity;
      let nx = 1;
      for (const s of chart.series) {
        nx = Math.max(nx, s.y.length);
        for (const v of s.y) if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      }
      if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
      const span = Math.max(hi - lo, 1e-4 * Math.max(1, Math.abs(hi)));
      this.extentOf = chart;
      this.ext = { lo: lo - 0.06 * span, hi: hi + 0.06 * span, nx };
    }
    return this.ext;
  }

  draw(i) {
    const chart = this.player.data.chart;
    if (!chart) return;
    const w = this.canvas.parentElement ? this.canvas.parentElement.clientWidth || 400 : 400;
    const h = this.player.data.chartHeight || 170;
    const ctx = freshContext(this.canvas, w, h);
    const m = { l: 74, r: 12, t: 10, b: 40 };
    const pw = w - m.l - m.r;
    const ph = h - m.t - m.b;
    const { lo, hi, nx } = this.extent(chart);
    const X = (x) => m.l + (nx <= 1 ? pw / 2 : (x / (nx - 1)) * pw);
    const Y = (y) => m.t + ph - ((y - lo) / (hi - lo)) * ph;
    const fs = this.player.fontSize;
    ctx.font = `${fs - 3}px sans-serif`;
    ctx.fillStyle = "#444";
    ctx.strokeStyle = "#e6e6e6";
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    for (const v of ticks(lo, hi, Math.max(3, ph / 26))) {
      ctx.beginPath(); ctx.moveTo(m.l, Y(v)); ctx.lineTo(m.l + pw, Y(v)); ctx.stroke();
      ctx.fillText(v.toLocaleString("en-US", { maximumFractionDigits: 2 }), m.l - 5, Y(v));
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (const v of ticks(0, nx - 1, Math.max(2, pw / 60))) {
      if (v !== Math.round(v)) continue;
      ctx.fillText(String(v), X(v), m.t + ph + 3);
    }
    ctx.font = `${fs - 2}px sans-serif`;
    ctx.textBaseline = "bottom";
    ctx.fillText(chart.xtitle, m.l + pw / 2, h - 1);
    ctx.save();
    ctx.translate(12, m.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText(chart.ytitle, 0, 0);
    ctx.restore();
    for (const s of chart.series) {
      ctx.strokeStyle = s.color;
      ctx.lineWidth = 2.5;
      ctx.beginPath();
      let started = false;
      s.y.forEach((v, x) => {
        if (v === null) { started = false; return; }
        if (!started) { ctx.moveTo(X(x), Y(v)); started = true; } else ctx.lineTo(X(x), Y(v));
      });
      ctx.stroke();
      if (s.y.length <= 60) {
        ctx.fillStyle = s.color;
        s.y.forEach((v, x) => { if (v !== null) { ctx.beginPath(); ctx.arc(X(x), Y(v), 2.5, 0, 6.3); ctx.fill(); } });
      }
    }
    if (chart.series.length > 1) {  // name each curve in its colour, top right
      ctx.font = `${fs - 2}px sans-serif`;
      ctx.textAlign = "right";
      ctx.textBaseline = "top";
      chart.series.forEach((s, q) => {
        ctx.fillStyle = s.color;
        ctx.fillText(s.name, m.l + pw - 4, m.t + 4 + q * (fs + 2));
      });
    }
    const cx = chart.x[Math.min(i, chart.x.length - 1)];
    const open = chart.open[Math.min(i, chart.open.length - 1)];
    for (const s of chart.series) {
      const v = s.y[Math.min(cx, s.y.length - 1)];
      if (v === null || v === undefined) continue;
      ctx.beginPath();
      ctx.arc(X(Math.min(cx, s.y.length - 1)), Y(v), 7, 0, 2 * Math.PI);
      ctx.lineWidth = 3;
      ctx.strokeStyle = chart.cursor;
      ctx.fillStyle = chart.cursor;
      if (open) ctx.stroke(); else ctx.fill();
    }
  }
}

// ---------------------------------------------------------------------------- the player
class Player {
  constructor(host) {
    this.host = host;
    this.step = 0;
    this.point = null;
    this.playing = false;
    this.uid = null;
    this.reported = null;
    this.pending = null; // the id of the change on its way to Python
    this.startEdit = null; // a component moved by hand, not yet fitted again
    this.selected = null; // the component the keys move
    this.marks = [];
    this.suppressClick = false;
    this.root = el("div", { class: "gmmviz-player", "data-testid": "gmmviz-player", tabindex: "-1" });
    this.title = el("div", { class: "gp-title", role: "status", "aria-live": "polite" });
    this.grid = el("div", { class: "gp-grid" });
    const btn = (name, text, fn) => el("button", { type: "button", class: "gp-btn", "aria-label": name, title: name, onclick: (e) => { ACTIVE = this; fn(e); } }, text);
    this.playBtn = btn(WORDS.play, WORDS.play_button, () => this.play());
    this.pauseBtn = btn(WORDS.pause, WORDS.pause_button, () => this.pause());
    this.backBtn = btn(WORDS.back, WORDS.back_button, () => this.go(this.step - 1));
    this.nextBtn = btn(WORDS.next_plain, WORDS.next_button, () => this.go(this.step + 1));
    this.slider = el("input", { type: "range", min: "0", max: "0", value: "0", class: "gp-slider", "aria-label": WORDS.slider });
    this.slider.addEventListener("input", () => { ACTIVE = this; this.pause(false); this.show(Number(this.slider.value)); this.settled(); });
    this.count = el("span", { class: "gp-count" });
    this.controls = el("div", { class: "gp-controls" }, this.playBtn, this.pauseBtn, this.backBtn, this.nextBtn, this.slider, this.count);
    this.chart = new Chart(this);
    this.chartBox = el("div", { class: "gp-chartbox" }, this.chart.canvas);
    this.legend = el("div", { class: "gp-legend" });
    this.side = el("div", { class: "gp-side" });
    this.stepPanel = el("div", { class: "gp-step-panel", "data-testid": "gmmviz-step-panel", "aria-live": "polite" });
    this.side.append(this.stepPanel, this.chartBox, this.legend);
    this.hint = el("div", { class: "gp-hint", role: "status", "aria-live": "polite" });
    this.figure = el("div", { class: "gp-figure" }, this.grid, this.controls, this.hint);
    this.body = el("div", { class: "gp-body" }, this.figure, this.side);
    this.tip = el("div", { class: "gp-tip" });
    this.root.append(this.title, this.body, this.tip);
    host.append(this.root);
    this.panels = [];
    this.resize = new ResizeObserver(() => this.redraw());
    this.resize.observe(this.root);
    PLAYERS.add(this);
  }

  get fontSize() { return this.data && this.data.present ? 20 : 16; }

  update(data, setStateValue, setTriggerValue) {
    this.setStateValue = setStateValue;
    this.setTriggerValue = setTriggerValue;
    const fresh = data.uid !== this.uid;
    this.data = data;
    this.applyWords();
    if (this.pending && (fresh || (data.hands && data.hands.seen === this.pending))) this.settle();
    if (fresh && !this.pending) this.startEdit = null;
    this.root.classList.toggle("gp-present", !!data.present);
    this.root.style.setProperty("--gp-cols", String(Math.min(data.panels.length, 3)));
    this.root.classList.toggle("gp-multi", data.panels.length > 1);
    if (fresh) {
      this.uid = data.uid;
      this.pause(false);
      this.grid.textContent = "";
      this.panels = data.panels.map((p, j) => new Panel(this, p, j));
      for (const p of this.panels) this.grid.append(p.root);
      this.step = Math.min(Math.max(data.step | 0, 0), data.labels.length - 1);
      this.reported = { step: this.step, point: data.point };
    }
    const point = data.point === undefined ? null : data.point;
    // The page's run began before the last step or click reached it: tell it again.
    const behind = !fresh && !this.playing && (data.step !== this.step || point !== this.point);
    if (fresh || !behind) this.point = point;
    this.slider.max = String(data.labels.length - 1);
    this.root.dataset.steps = String(data.labels.length);
    this.drawLegend();
    this.show(this.step, true);
    if (behind) { this.reported = null; this.settled(); }
  }

  // The buttons' and the controls' words in the language the page sent.
  applyWords() {
    const name = (b, key, textKey) => {
      b.textContent = word(this, textKey);
      b.setAttribute("aria-label", word(this, key));
      b.title = word(this, key);
    };
    name(this.playBtn, "play", "play_button");
    name(this.pauseBtn, "pause", "pause_button");
    name(this.backBtn, "back", "back_button");
    this.nextBtn.title = word(this, "next_plain");
    this.slider.setAttribute("aria-label", word(this, "slider"));
    if (this.chart) this.chart.canvas.setAttribute("aria-label", word(this, "curve"));
    for (const p of this.panels) p.canvas.setAttribute("aria-label", word(this, "scatter"));
  }

  drawLegend() {
    const d = this.data;
    this.legend.textContent = "";
    for (const [c, text] of d.legend || []) {
      this.legend.append(el("span", { class: "gp-item" }, el("span", { class: "gp-swatch", style: `background:${c}` }), text));
    }
    for (const [lv, style] of d.levels || []) {
      const dash = dashName(style);
      this.legend.append(el("span", { class: "gp-item" }, el("span", { class: `gp-line gp-${dash}` }), word(this, "ellipse", { s: lv })));
    }
    this.legend.append(el("span", { class: "gp-item" }, el("span", { class: "gp-diamond" }), d.means_label || word(this, "means")));
    this.hiddenBox = el("span", { class: "gp-item gp-hidden-labels" });
    this.legend.append(this.hiddenBox);
  }

  redraw() { if (this.data) this.show(this.step, true); }

  show(i, force = false) {
    const d = this.data;
    const n = d.labels.length;
    i = Math.min(Math.max(i, 0), n - 1);
    const changed = i !== this.step;
    this.step = i;
    this.root.dataset.step = String(i);
    this.slider.value = String(i);
    this.count.textContent = `${i} / ${n - 1}`;
    this.title.textContent = d.titles[i];
    const next = d.next[i];
    this.nextBtn.textContent = next ? word(this, "next_button_to", { s: next }) : word(this, "next_button");
    this.nextBtn.setAttribute("aria-label", next ? word(this, "next", { s: next }) : word(this, "next_plain"));
    this.nextBtn.disabled = i >= n - 1;
    this.backBtn.disabled = i <= 0;
    this.playBtn.hidden = this.playing;
    this.pauseBtn.hidden = !this.playing;
    if (changed && this.startEdit && !this.pending && !this.canDrag()) this.startEdit = null;
    this.hint.textContent = this.hintText();
    if (changed || force) {
      for (const p of this.panels) p.draw(i);
      this.chart.draw(i);
      this.stepPanel.innerHTML = d.html[i] || "";
      this.stepPanel.dataset.step = String(i);
      const hidden = this.panels.flatMap((p) => p.hiddenLabels || []);
      if (this.hiddenBox) this.hiddenBox.textContent = hidden.length ? hidden.map(([j, t]) => `${t} (${j + 1})`).join(" · ") : "";
    }
  }

  go(i) {
    this.pause(false);
    this.show(i);
    this.settled();
  }

  play() {
    const d = this.data;
    if (!d) return;
    if (this.step >= d.labels.length - 1) this.show(0);
    this.playing = true;
    this.show(this.step);
    let last = performance.now();
    const tick = (now) => {
      if (!this.playing) return;
      if (now - last >= d.duration - 4) {
        last = now;
        if (this.step >= d.labels.length - 1) { this.pause(); return; }
        this.show(this.step + 1);
      }
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  pause(report = true) {
    const was = this.playing;
    this.playing = false;
    if (this.raf) cancelAnimationFrame(this.raf);
    this.raf = null;
    if (this.data) this.show(this.step);
    if (report && was) this.settled();
  }

  toggle() { if (this.playing) this.pause(); else this.play(); }

  // ------------------------------------------------------------------ hands on the data
  editing() {
    const h = this.data && this.data.hands;
    return !!(h && h.points && this.data.panels.length === 1);
  }

  canDrag() {
    const h = this.data && this.data.hands;
    return !!(h && this.data.panels.length === 1 && !this.playing && (h.start || this.step === 0)
      && this.panels[0] && this.panels[0].spec.axes);
  }

  hintText() {
    if (!this.data || !this.data.hands) return "";
    if (this.pending) return word(this, "fitting");
    const k = this.panels[0] ? this.panels[0].spec.colors.length : 0;
    if (this.canDrag() && this.selected !== null && this.selected < k) {
      return word(this, "chosen", { k: this.selected + 1 });
    }
    if (this.editing()) return word(this, "edit");
    if (this.canDrag() && this.data.hands.start) return word(this, "start");
    if (this.canDrag()) return word(this, "drag");
    return "";
  }

  // one change to Python; none other until Python has seen it
  sendEdit(op) {
    if (!this.setTriggerValue || this.pending) return false;
    const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    this.pending = id;
    clearTimeout(this.pendingTimer);
    this.pendingTimer = setTimeout(() => { this.settle(); this.redraw(); }, 30000);
    this.setTriggerValue("edit", { ...op, uid: this.uid, id });
    this.hint.textContent = this.hintText();
    return true;
  }

  settle() {
    this.pending = null;
    clearTimeout(this.pendingTimer);
    this.startEdit = null;
    this.marks = [];
  }

  commitStart() {
    clearTimeout(this.keyTimer);
    const m = this.startEdit;
    if (!m || this.pending) return;
    this.sendEdit({ kind: "start", component: m.j, step: this.step, mean: m.mean,
      axes: m.axesChanged ? m.axes : null });
  }

  // the keys of a start by hand: 1-9 choose a component, Shift+arrows move its mean, + and -
  // scale its ellipse, R turns it (Shift+R back), Esc lets go
  keyEdit(e) {
    if (!this.canDrag() || this.pending) return false;
    const P0 = this.panels[0];
    const k = P0.spec.colors.length;
    if (/^[1-9]$/.test(e.key)) {
      const j = Number(e.key) - 1;
      if (j >= k) return false;
      if (this.startEdit && this.startEdit.j !== j) this.commitStart();
      this.selected = j;
      this.redraw();
      return true;
    }
    const j = this.selected;
    if (j === null || j >= k) return false;
    if (e.key === "Escape") {
      clearTimeout(this.keyTimer);
      this.selected = null;
      this.startEdit = null;
      this.redraw();
      return true;
    }
    const c = P0.compAt(this.step, j);
    if (!c) return false;
    const step = Math.max(P0.spec.x[1] - P0.spec.x[0], P0.spec.y[1] - P0.spec.y[0]) / 50;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    let mean = [c.x, c.y];
    let axes = c.axes;
    let reshaped = false;
    if (e.shiftKey && moves[e.key]) mean = [c.x + moves[e.key][0], c.y + moves[e.key][1]];
    else if (axes && (e.key === "+" || e.key === "=")) { axes = [axes[0] * 1.1, axes[1] * 1.1, axes[2]]; reshaped = true; }
    else if (axes && (e.key === "-" || e.key === "−" || e.key === "_")) { axes = [axes[0] / 1.1, axes[1] / 1.1, axes[2]]; reshaped = true; }
    else if (axes && (e.key === "r" || e.key === "R")) { axes = [axes[0], axes[1], axes[2] + (e.key === "R" ? -15 : 15)]; reshaped = true; }
    else return false;
    const before = this.startEdit;
    this.startEdit = { panel: 0, j, mean, axes, axesChanged: reshaped || !!(before && before.axesChanged) };
    this.redraw();
    clearTimeout(this.keyTimer);
    this.keyTimer = setTimeout(() => this.commitStart(), 700);
    return true;
  }

  choosePoint(j) {
    this.pause(false);
    this.point = j;
    for (const p of this.panels) p.draw(this.step);
    this.writeUrl();
    this.report(true);
  }

  // the step is where the user left it: the address follows at once, Python soon after
  settled() {
    this.writeUrl();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.report(false), 450);
  }

  writeUrl() {
    if (!this.data || this.data.url === false) return;
    let q = window.location.search;
    const set = (name, value) => {
      const re = new RegExp(`([?&])${name}=[^&]*`);
      if (value === null || value === undefined) { q = q.replace(re, "").replace(/^&/, "?"); return; }
      if (re.test(q)) q = q.replace(re, `$1${name}=${value}`);
      else q += (q.length > 1 ? "&" : "?") + `${name}=${value}`;
    };
    set("step", this.step);
    if (this.point !== null) set("point", this.point);
    if (q !== window.location.search) {
      window.history.replaceState(window.history.state, "", window.location.pathname + q + window.location.hash);
    }
  }

  report(now) {
    if (this.playing || !this.setStateValue) return;
    const view = { step: this.step, point: this.point };
    if (!now && this.reported && this.reported.step === view.step && this.reported.point === view.point) return;
    this.reported = view;
    this.setStateValue("view", view);
  }

  visible() {
    const r = this.root.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.width > 0;
  }

  destroy() {
    this.pause(false);
    this.resize.disconnect();
    PLAYERS.delete(this);
    if (ACTIVE === this) ACTIVE = null;
    this.root.remove();
  }
}

function onKey(e) {
  if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
  const t = e.target;
  const tag = t && t.tagName ? t.tagName.toLowerCase() : "";
  if (tag === "textarea" || tag === "select" || (t && t.isContentEditable)) return;
  if (tag === "input" && !(t.classList && t.classList.contains("gp-slider"))) return;
  if (tag === "button" && e.key === " " && !(t.classList && t.classList.contains("gp-btn"))) return;
  let p = ACTIVE && PLAYERS.has(ACTIVE) && ACTIVE.root.isConnected ? ACTIVE : null;
  if (!p || !p.visible()) p = [...PLAYERS].find((q) => q.root.isConnected && q.visible()) || p;
  if (!p) return;
  if (p.keyEdit(e)) { e.preventDefault(); e.stopPropagation(); return; }
  if (e.key === "ArrowRight" || e.key === "PageDown") p.go(p.step + 1);
  else if (e.key === "ArrowLeft" || e.key === "PageUp") p.go(p.step - 1);
  else if (e.key === " " || e.key === "Spacebar") p.toggle();
  else return;
  e.preventDefault();
  e.stopPropagation();
}

if (!window.__gmmvizKeys) {
  window.__gmmvizKeys = true;
  document.addEventListener("keydown", onKey, true);
}

export default function (component) {
  const { data, parentElement, setStateValue, setTriggerValue } = component;
  let player = parentElement.__gmmvizPlayer;
  if (!player || !player.root.isConnected) {
    player = new Player(parentElement);
    parentElement.__gmmvizPlayer = player;
  }
  player.update(data, setStateValue, setTriggerValue);
  // Streamlit keeps the cleanup of the latest call and runs it when the element goes; a call
  // overtaken by a newer one must not take the newer one's player with it.
  const call = (parentElement.__gmmvizCall = (parentElement.__gmmvizCall || 0) + 1);
  return () => {
    if (parentElement.__gmmvizCall !== call) return;
    player.destroy();
    parentElement.__gmmvizPlayer = null;
  };
}
