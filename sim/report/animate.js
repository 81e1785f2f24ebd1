// The classroom player of regiesim (sim/report/animate.py inlines it with its data).
// Every initiative is a dot that travels the journey; one canvas per run; no network.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("regie-data").textContent);
  const W = D.words, STATES = D.states, COLUMNS = D.columns, HORIZON = D.horizon;
  const LINGER = 4;            // weeks an exited dot stays in its exit box
  const MOVE = 9;              // how fast a dot travels to its new place (per second)
  const EXIT_LEAST = 72;       // px an exit box needs: its name, its count, a row of dots
  const COLOURS = { blue: "#0072B2", sky: "#56B4E9", green: "#009E73", yellow: "#F0E442",
                    orange: "#E69F00", red: "#D55E00", purple: "#CC79A7" };  // Okabe-Ito
  const STATE = {}; STATES.forEach((s, i) => { STATE[s] = i; });
  const EXITS = ["success", "rejected", "dropout"];
  const PILES = { queue: "queue", approval: "approval", college: "college" };

  // ------------------------------------------------------------ helpers
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v; else e.setAttribute(k, v);
    }
    kids.forEach((k) => e.appendChild(typeof k === "string" ? document.createTextNode(k) : k));
    return e;
  };
  // numbers as the language writes them (sim.words.symbols, from Babel): 1.015 and 0,53 in
  // Dutch, 1,015 and 0.53 in English
  const grouped = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, D.numbers.group);
  const num = (x, digits) => {
    const [units, part] = x.toFixed(digits).split(".");
    return grouped(units) + (part ? D.numbers.decimal + part : "");
  };
  const whole = (n) => grouped(String(n));
  const weekText = (w) => w < 0 ? W.warmup : `${W.week.toLowerCase()} ${Math.floor(w)}`;
  // frustration: light yellow -> orange -> dark red (ColorBrewer YlOrRd): every step darker,
  // so it reads in greyscale and for colour-blind eyes alike
  const RAMP = [[0, [255, 255, 178]], [0.15, [254, 204, 92]], [0.3, [253, 141, 60]],
                [0.45, [240, 59, 32]], [0.6, [189, 0, 38]]];
  const LUT = [];
  for (let k = 0; k <= 60; k++) {
    const f = k / 100;
    let j = 0;
    while (j < RAMP.length - 2 && f > RAMP[j + 1][0]) j++;
    const [f0, c0] = RAMP[j], [f1, c1] = RAMP[j + 1];
    const u = Math.min(1, Math.max(0, (f - f0) / (f1 - f0)));
    LUT.push(`rgb(${c0.map((c, i) => Math.round(c + u * (c1[i] - c))).join(",")})`);
  }
  const colour = (f) => LUT[Math.max(0, Math.min(60, Math.round(f * 100)))];
  // No text on a canvas is smaller than this (px): it has to read on a projector.
  const SMALLEST = 12;
  const font = (n, bold) => `${bold ? "bold " : ""}${n}px system-ui, sans-serif`;
  // a canvas text in at most maxW pixels: the font shrinks (never squashed sideways), but
  // not below SMALLEST; the layout leaves room for every text at that size
  const fitText = (g, text, x, y, maxW, size, bold) => {
    let px = size;
    g.font = font(px, bold);
    const w = g.measureText(text).width;
    if (w > maxW && maxW > 0) {
      px = Math.max(SMALLEST, Math.floor(size * maxW / w)); g.font = font(px, bold);
    }
    g.fillText(text, x, y);
  };
  // one font size at which every text fits maxW (labels of a row alike)
  const fitSize = (g, texts, maxW, size, bold) => {
    g.font = font(size, bold);
    const widest = Math.max(1, ...texts.map((x) => g.measureText(x).width));
    return Math.max(SMALLEST, Math.min(size, Math.floor(size * maxW / widest)));
  };
  // a text in lines of at most maxW pixels at ``size`` (broken between words), its last
  // line's baseline at y; returns how many lines it took
  const wrapText = (g, text, x, y, maxW, size, bold) => {
    g.font = font(size, bold);
    const lines = [];
    for (const w of text.split(" ")) {
      const last = lines.length ? `${lines[lines.length - 1]} ${w}` : null;
      if (last !== null && g.measureText(last).width <= maxW) lines[lines.length - 1] = last;
      else lines.push(w);
    }
    lines.forEach((line, k) => {
      fitText(g, line, x, y - (lines.length - 1 - k) * (size + 3), maxW, size, bold);
    });
    return lines.length;
  };
  const countUpTo = (sorted, t) => {  // how many values <= t
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] <= t) lo = m + 1; else hi = m; }
    return lo;
  };

  // ------------------------------------------------------------ the page
  const play = el("button", { id: "play", type: "button", text: W.play });
  const pause = el("button", { id: "pause", type: "button", text: W.pause });
  const step = el("button", { id: "step", type: "button", text: W.step });
  const restart = el("button", { id: "restart", type: "button", text: W.restart });
  const speed = el("select", { id: "speed" });
  [["0.25", "¼×"], ["0.5", "½×"], ["1", "1×"], ["2", "2×"], ["4", "4×"]].forEach(([v, t]) => {
    const o = el("option", { value: v, text: t });
    if (v === "1") o.selected = true;
    speed.appendChild(o);
  });
  const clock = el("div", { id: "clock", "aria-live": "off" });
  const scrub = el("input", { id: "scrub", type: "range", min: "0", max: String(HORIZON),
                              step: "1", value: "0", "aria-label": W.week });
  const stopAtFallback = el("input", { id: "pause-fallback", type: "checkbox" });
  const TWO = D.panels.length > 1;
  const panelsBox = el("div", { class: "panels" });
  const follow = el("div", { id: "follow", class: "follow" });
  const legend = el("div", { class: "legend" });
  const main = el("div", { class: `main${TWO ? " two" : ""}` }, panelsBox,
                  el("aside", {}, el("h3", { text: W.followed }), follow));
  document.body.append(
    el("h1", { text: W.title }), el("p", { class: "intro", text: D.intro }),
    el("div", { class: "controls" }, restart, play, pause, step,
       el("label", { for: "speed", text: W.speed }), speed, clock),
    el("div", { class: "controls second" }, scrub,
       el("label", { class: "check", for: "pause-fallback" }, stopAtFallback,
          ` ${W.pause_fallback}`)),
    legend, main, el("footer", { text: W.made }));
  const ramp = el("span", { class: "ramp" });
  ramp.style.background = `linear-gradient(to right, ${LUT[0]}, ${LUT[15]}, ${LUT[30]}, ` +
                          `${LUT[45]}, ${LUT[60]})`;
  legend.append(
    el("span", { class: "item" }, el("b", { text: W.frustration }), ` ${W.from_to} `, ramp,
       " 60%+"),
    (() => { const d = el("span", { class: "item" }, el("span", { class: "line dashed" }),
                          W.regisseur_line);
             d.firstChild.style.borderColor = COLOURS.green; return d; })(),
    (() => { const d = el("span", { class: "item" }, el("span", { class: "line" }),
                          W.network_line);
             d.firstChild.style.borderColor = COLOURS.purple; return d; })());
  if (TWO) legend.append(el("span", { class: "item" }, el("span", { class: "ghost" }), W.absent));

  // ------------------------------------------------------------ one panel
  function Panel(data, index) {
    this.d = data;
    this.n = data.id.length;
    this.byId = new Map(data.id.map((id, i) => [id, i]));
    this.ptr = new Int32Array(this.n);
    this.fptr = new Int32Array(this.n);
    this.px = new Float32Array(this.n).fill(NaN);
    this.py = new Float32Array(this.n).fill(NaN);
    this.exits = {};
    EXITS.forEach((o) => { this.exits[o] = []; });
    for (let i = 0; i < this.n; i++) {
      const p = data.path[i], last = STATES[p[p.length - 1]];
      if (this.exits[last] && data.exit[i] !== null) this.exits[last].push(data.exit[i]);
    }
    EXITS.forEach((o) => this.exits[o].sort((a, b) => a - b));
    this.ghosts = [];
    this.canvas = el("canvas", { id: `canvas-${index}`, "data-panel": String(index) });
    this.signs = el("div", { class: "signs", id: `signs-${index}` });
    this.news = el("div", { class: "news", id: `news-${index}` });
    this.box = el("section", { class: "panel", id: `panel-${index}` },
                  el("h2", { text: data.title, title: data.title }), this.canvas, this.signs,
                  this.news);
    this.index = index;
    this.lastNews = -1; this.lastSigns = "";
    this.newsWeeks = data.news.map((x) => x[0]);
    this.scale = Math.max(1.5 * (data.upper || 1), ...data.tension, 0.1);
    this.placed = [];   // [i, x, y] of the dots drawn last, for clicks
    panelsBox.appendChild(this.box);
    this.canvas.addEventListener("click", (ev) => this.click(ev));
  }

  // In a flat list of [week, value, week, value, ...], the index of the last pair reached
  // by week t; cursor[i] remembers it, so playing forward costs a step per change.
  function seek(list, cursor, i, t) {
    let k = cursor[i];
    if (k >= list.length || list[k] > t) k = 0;
    while (k + 2 < list.length && list[k + 2] <= t) k += 2;
    cursor[i] = k;
    return k;
  }
  Panel.prototype.stateAt = function (i, t) {
    return seek(this.d.path[i], this.ptr, i, t);  // path[k] the week entered, [k + 1] the state
  };
  Panel.prototype.frustrationAt = function (i, t) {
    const f = this.d.frus[i];
    const k = seek(f, this.fptr, i, t);
    return f.length ? f[k + 1] : 0;
  };
  Panel.prototype.visible = function (i, t) {
    const d = this.d;
    return d.arrive[i] <= t && (d.exit[i] === null || t < d.exit[i] + LINGER);
  };

  Panel.prototype.resize = function (height) {
    const c = this.canvas, ratio = window.devicePixelRatio || 1;
    const w = c.clientWidth || 900;
    c.style.height = `${height}px`;
    c.width = Math.round(w * ratio); c.height = Math.round(height * ratio);
    this.w = w; this.h = height; this.ratio = ratio;
    const pad = 8, colW = (w - 2 * pad) / COLUMNS.length;
    // column names too wide for their column stand on two rows, every other one lower
    const g = c.getContext("2d");
    const heads = COLUMNS.map((x) => (x === "exit" ? "" : W[`state_${x}`]));
    this.stagger = fitSize(g, heads, colW - 6, 18, true) < 16;
    this.headSize = fitSize(g, heads, (this.stagger ? 2 : 1) * colW - 8, 18, true);
    // the second row of column names stands a whole line below the first (descenders of
    // "Doorverwijzing" clear of "Dialoog")
    this.headRows = [21, 21 + this.headSize + 8];
    const top = 58, labels = this.stagger ? this.headRows[1] + 8 : 30;
    const y0 = top + labels, y1 = height - pad;
    this.top = top; this.colW = colW; this.pad = pad;
    // the least height at which the three exits stand one under the other, each with its
    // name, its count and a row of dots, clear of the next (see layout)
    this.needs = y0 + 3 * EXIT_LEAST + pad;
    const col = (name) => pad + COLUMNS.indexOf(name) * colW;
    const R = (x, y, ww, hh, fromBottom) => ({ x, y, w: ww, h: hh, bottom: !!fromBottom });
    const pileH = (y1 - y0) * 0.42;
    // the two piles of the decision stand one above the other, each as wide as the
    // column, so that their names ("handtekening", "college") read at full size
    const line = 18, both = pileH - line;
    const collegeY = y1 - both / 2, approvalY = collegeY - line - both / 2;
    this.regions = {
      signal: R(col("signal"), y0, colW, y1 - y0 - 66),
      ghost: R(col("signal"), y1 - 62, colW, 62),  // a row of circles, up to three lines
      intake: R(col("intake"), y0, colW, y1 - y0 - pileH - 22),
      queue: R(col("intake"), y1 - pileH, colW, pileH, true),
      handoffs: R(col("handoffs"), y0, colW, y1 - y0),
      dialogue: R(col("dialogue"), y0, colW, y1 - y0),
      decision: R(col("decision"), y0, colW, approvalY - 2 * line - 4 - y0),
      approval: R(col("decision"), approvalY, colW, both / 2, true),
      college: R(col("decision"), collegeY, colW, both / 2, true),
      realisation: R(col("realisation"), y0, colW, y1 - y0),
    };
    const exitH = (y1 - y0) / 3;
    EXITS.forEach((o, k) => {
      this.regions[o] = R(col("exit"), y0 + k * exitH + 44, colW, exitH - 48);
    });
  };

  const slots = (r, n) => {
    let s = 15;
    const fit = (sp) => Math.max(1, Math.floor((r.w - 6) / sp));
    while (s > 3 && Math.ceil(n / fit(s)) * s > r.h) s -= 0.5;
    return { s, cols: fit(s) };
  };
  const slot = (r, layout, k) => {
    const c = k % layout.cols, row = Math.floor(k / layout.cols);
    const x = r.x + 3 + layout.s / 2 + c * layout.s;
    const y = r.bottom ? r.y + r.h - layout.s / 2 - row * layout.s
                       : r.y + layout.s / 2 + row * layout.s;
    return [x, y];
  };

  Panel.prototype.draw = function (now, dt, jump, selected) {
    const d = this.d, g = this.canvas.getContext("2d");
    const t = Math.min(now, d.horizon);  // a shorter run stops at its own end
    g.setTransform(this.ratio, 0, 0, this.ratio, 0, 0);
    const week = Math.min(Math.max(Math.floor(t), 0), d.tension.length - 1);
    const above = d.fallback.length > 0 && d.fallback[week] === 1;
    const fallen = above && d.changes;  // a directive municipality has nothing to fall back from
    // the backdrop: white, or tinted while the municipality has fallen back
    g.fillStyle = fallen ? "#F6D9CF" : "#FFFFFF";
    g.fillRect(0, 0, this.w, this.h);
    const headW = (this.stagger ? 2 : 1) * this.colW - 8;
    COLUMNS.forEach((c, k) => {
      if (k % 2 === 0) {
        g.fillStyle = fallen ? "rgba(160,40,40,0.07)" : "#F1F1F1";
        g.fillRect(this.pad + k * this.colW, this.top, this.colW, this.h - this.top);
      }
    });
    COLUMNS.forEach((c, k) => {
      if (c === "exit") return;
      const label = W[`state_${c}`];
      g.fillStyle = "#000"; g.textAlign = "center";
      g.font = `bold ${this.headSize}px system-ui, sans-serif`;
      const half = Math.min(headW, g.measureText(label).width) / 2 + 2;
      const x = Math.min(Math.max(this.pad + (k + 0.5) * this.colW, this.pad + half),
                         this.pad + (COLUMNS.length - 1) * this.colW - half);  // inside
      const y = this.top + this.headRows[this.stagger && k % 2 === 1 ? 1 : 0];
      fitText(g, label, x, y, headW, this.headSize, true);
    });
    // pile and exit labels
    g.fillStyle = "#222";
    const R = this.regions;
    for (const p of ["queue", "approval", "college"]) {
      const r = R[p];
      g.textAlign = "center"; g.fillStyle = "#222";
      fitText(g, p === "queue" ? W.queue : W[`${p}_short`], r.x + r.w / 2, r.y - 6, r.w - 4, 15);
      g.strokeStyle = "#777"; g.setLineDash([4, 3]); g.lineWidth = 1;
      g.strokeRect(r.x + 2, r.y, r.w - 4, r.h);
      g.setLineDash([]);
    }
    g.textAlign = "center";
    fitText(g, W.waiting_for, R.approval.x + R.approval.w / 2, R.approval.y - 22, R.approval.w - 6,
            15, true);
    // the exits: the name, and below it how many have left that way
    const exitSize = fitSize(g, EXITS.map((o) => W[`state_${o}`]), R.success.w - 8, 17, true);
    EXITS.forEach((o) => {
      const r = R[o];
      g.textAlign = "left"; g.fillStyle = "#000";
      fitText(g, W[`state_${o}`], r.x + 6, r.y - 26, r.w - 8, exitSize, true);
      fitText(g, whole(countUpTo(this.exits[o], t)), r.x + 6, r.y - 6, r.w - 8, 19, true);
    });
    // the header: the tension gauge and the fallback banner
    this.header(g, t, week, above, fallen);
    // where every dot belongs now
    const groups = {};
    const want = [];
    for (let i = 0; i < this.n; i++) {
      if (!this.visible(i, t)) continue;
      const k = this.stateAt(i, t);
      const state = STATES[d.path[i][k + 1]];
      (groups[state] = groups[state] || []).push([d.path[i][k], i]);
    }
    for (const [state, members] of Object.entries(groups)) {
      const r = R[state];
      members.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      const layout = slots(r, members.length);
      members.forEach(([, i], k) => {
        const [x, y] = slot(r, layout, k);
        want.push([i, x, y, layout.s]);
      });
    }
    const a = jump ? 1 : 1 - Math.exp(-dt * MOVE);
    const placed = [];
    for (const [i, x, y, s] of want) {
      if (Number.isNaN(this.px[i])) { this.px[i] = R.signal.x + 4; this.py[i] = y; }
      this.px[i] += (x - this.px[i]) * a;
      this.py[i] += (y - this.py[i]) * a;
      placed.push([i, this.px[i], this.py[i], Math.max(2.2, s * 0.4)]);
    }
    this.placed = placed;
    const where = new Map(placed.map((p) => [p[0], p]));
    // lines: regisseurs to their initiatives, and the network of initiatives
    const hub = [this.pad + 2.5 * this.colW, this.top - 12];
    g.lineWidth = 1;
    g.strokeStyle = "rgba(0,158,115,0.45)";
    g.setLineDash([5, 4]);  // dashed: told apart from the network's lines without colour
    g.beginPath();
    let adopted = 0;
    for (const [i, x, y] of placed) {
      const r = d.reg[i];
      const exited = d.exit[i] !== null && d.exit[i] <= t;
      if (r !== null && r <= t && !exited) { g.moveTo(hub[0], hub[1]); g.lineTo(x, y); adopted++; }
    }
    g.stroke();
    g.setLineDash([]);
    g.strokeStyle = "rgba(204,121,167,0.7)"; g.lineWidth = 1.5;
    g.beginPath();
    for (const [u, v, w] of d.links) {
      if (w > t) continue;
      const p = where.get(u), q = where.get(v);
      if (p && q) { g.moveTo(p[1], p[2]); g.lineTo(q[1], q[2]); }
    }
    g.stroke();
    if (d.regisseurs > 0) {  // a municipality without regisseurs has no hub
      g.fillStyle = COLOURS.green; g.beginPath(); g.arc(hub[0], hub[1], 7, 0, 2 * Math.PI);
      g.fill();
      g.fillStyle = "#000"; g.textAlign = "left";
      fitText(g, adopted === 1 ? W.regisseurs_1 : W.regisseurs.replace("{n}", whole(adopted)),
              hub[0] + 11, hub[1] + 5, this.w - hub[0] - 20, 15, true);
    }
    // the dots, coloured by frustration
    g.lineWidth = 1;
    for (const [i, x, y, r] of placed) {
      g.fillStyle = colour(this.frustrationAt(i, t));
      g.beginPath(); g.arc(x, y, r, 0, 2 * Math.PI); g.fill();
      g.strokeStyle = "#000"; g.stroke();
    }
    // citizens who came forward in the other municipality but not here
    const gh = R.ghost;
    g.setLineDash([3, 2]); g.strokeStyle = "#555";
    let shown = 0, total = 0;
    for (const w of this.ghosts) {
      if (w > t) break;
      total++;
      if (t - w < LINGER && shown < Math.floor((gh.w - 6) / 15)) {
        g.beginPath(); g.arc(gh.x + 12 + shown * 15, gh.y + 8, 6, 0, 2 * Math.PI); g.stroke();
        shown++;
      }
    }
    g.setLineDash([]);
    if (this.ghosts.length) {  // on two lines where the column is narrow
      g.fillStyle = "#333"; g.textAlign = "left";
      wrapText(g, `${W.absent_short}: ${total}`, gh.x + 5, gh.y + gh.h - 4, gh.w - 7, 12);
    }
    // the initiative followed
    const sel = selected === null ? undefined : this.byId.get(selected);
    if (sel !== undefined && where.has(sel)) {
      const [, x, y, r] = where.get(sel);
      g.lineWidth = 4; g.strokeStyle = "#000";
      g.beginPath(); g.arc(x, y, r + 6, 0, 2 * Math.PI); g.stroke();
      g.lineWidth = 2; g.strokeStyle = "#fff";
      g.beginPath(); g.arc(x, y, r + 3, 0, 2 * Math.PI); g.stroke();
    }
    if (now > d.horizon) {  // the other run goes on; this one has ended
      g.fillStyle = "rgba(255,255,255,0.75)"; g.fillRect(0, this.top, this.w, this.h - this.top);
      g.fillStyle = "#000"; g.textAlign = "center";
      fitText(g, `${W.ended} (${W.week.toLowerCase()} ${Math.round(d.horizon)})`, this.w / 2,
              this.top + (this.h - this.top) / 2, this.w - 20, 30, true);
    }
    this.shown = { fallen, above, ended: now > d.horizon,  // what the picture says
                   ringed: sel !== undefined && where.has(sel) ? d.id[sel] : null };
    this.text(t, week, above);
  };

  Panel.prototype.header = function (g, t, week, above, fallen) {
    const d = this.d;
    const tension = d.tension.length ? d.tension[week] : 0;
    const scale = this.scale;
    const x0 = 10, y0 = 12, w = Math.min(260, this.w * 0.25), h = 22;
    g.fillStyle = "#000"; g.font = "bold 17px system-ui, sans-serif"; g.textAlign = "left";
    g.fillText(`${W.tension} ${num(tension, 2)}`, x0, y0 + 43);  // below the gauge's marks
    g.strokeStyle = "#000"; g.lineWidth = 2; g.strokeRect(x0, y0, w, h);
    g.fillStyle = fallen ? COLOURS.red : COLOURS.orange;  // red only when it falls back
    g.fillRect(x0 + 1, y0 + 1, Math.max(0, Math.min(1, tension / scale)) * (w - 2), h - 2);
    if (d.upper !== null) {
      const xu = x0 + (d.upper / scale) * w, xl = x0 + (d.lower / scale) * w;
      g.strokeStyle = "#000"; g.lineWidth = 3;
      g.beginPath(); g.moveTo(xu, y0 - 5); g.lineTo(xu, y0 + h + 5); g.stroke();
      g.setLineDash([3, 3]); g.lineWidth = 2;
      g.beginPath(); g.moveTo(xl, y0 - 3); g.lineTo(xl, y0 + h + 3); g.stroke();
      g.setLineDash([]);
    }
    const room = this.w - x0 - w - 30;
    // the banner stands in the top line, clear of the regisseurs' line below it
    if (fallen) {
      g.fillStyle = COLOURS.red; g.textAlign = "right";
      fitText(g, `⚠ ${W.fallback}`, this.w - 12, y0 + 16, room, 20, true);
    } else if (above) {  // tension is high, and nothing changes in how it works
      g.fillStyle = "#333"; g.textAlign = "right";
      fitText(g, W.fallback_same, this.w - 12, y0 + 15, room, 16);
    }
  };

  Panel.prototype.text = function (t, week, fallen) {
    const d = this.d;
    // warning signs: shown while the episode they came with lasts
    let signs = [];
    if (fallen) {
      let start = week;
      while (start > 0 && d.fallback[start - 1] === 1) start--;
      signs = d.signs.filter(([w]) => w <= t && w >= start - 1);
    }
    const key = signs.map(([, s]) => s).join("|");
    if (key !== this.lastSigns) {
      this.signs.replaceChildren(...signs.map(([, s, long]) => el(
        "span", { class: "sign", text: `⚠ ${s}`, title: long })));
      this.lastSigns = key;
    }
    const upto = countUpTo(this.newsWeeks, t);
    if (upto !== this.lastNews) {
      // all the news of the latest week in the order it happened, then earlier weeks'
      // (latest first): at least four lines
      const latest = upto ? Math.floor(d.news[upto - 1][0]) : null;
      let start = upto;
      while (start > 0 && Math.floor(d.news[start - 1][0]) === latest) start--;
      const earlier = d.news.slice(Math.max(0, start - Math.max(1, 4 - (upto - start))), start);
      const lines = [...d.news.slice(start, upto), ...earlier.reverse()];
      this.news.replaceChildren(...lines.map(([w, , text], k) => el(
        "p", { class: k < upto - start && t - w < 6 ? "fresh" : "" },
        el("span", { class: "wk", text: weekText(w) }), el("span", { text }))));
      this.news.scrollTop = 0;
      this.lastNews = upto;
    }
  };

  Panel.prototype.click = function (ev) {
    const rect = this.canvas.getBoundingClientRect();
    const x = ev.clientX - rect.left, y = ev.clientY - rect.top;
    let best = null, dist = 14 * 14;
    for (const [i, px, py] of this.placed) {
      const dd = (px - x) ** 2 + (py - y) ** 2;
      if (dd < dist) { dist = dd; best = i; }
    }
    player.select(best === null ? null : this.d.id[best], this.index);  // empty spot: stop
  };

  const panels = D.panels.map((p, k) => new Panel(p, k));
  if (panels.length === 2) {  // candidates who came forward in one municipality only
    const [a, b] = panels;
    a.ghosts = b.d.id.map((id, i) => [id, b.d.arrive[i]])
      .filter(([id, w]) => !a.byId.has(id) && w >= 0).map(([, w]) => w).sort((x, y) => x - y);
    b.ghosts = a.d.id.map((id, i) => [id, a.d.arrive[i]])
      .filter(([id, w]) => !b.byId.has(id) && w >= 0).map(([, w]) => w).sort((x, y) => x - y);
  }

  // ------------------------------------------------------------ the followed initiative
  // One column per panel (side by side, so a class sees where two journeys part); the
  // page changes only when a line appears or where the initiative is now changes.
  let followed = null;  // {id, cols: [{p, i, now, list, shown, nowText}]}
  function renderFollow(t) {
    const id = player.selected;
    if (id === null) {
      if (followed !== false) {
        follow.replaceChildren(el("div", { class: "hint", text: W.follow_hint }));
        followed = false;
      }
      return;
    }
    if (!followed || followed.id !== id || followed.home !== player.home) {
      const home = panels[player.home] && panels[player.home].byId.has(id)
        ? panels[player.home] : panels.find((p) => p.byId.has(id));
      const shownPanels = D.paired ? panels : [home];
      const cols = shownPanels.map((p) => {
        const now = el("div", { class: "now" }), list = el("ol", {});
        const box = el("div", { class: "col" });
        if (TWO) box.appendChild(el("h4", { text: p.d.title }));
        box.append(now, list);
        return { p, i: p.byId.get(id), now, list, box, shown: -1, nowText: null };
      });
      const grid = el("div", { class: "cols", style: `--n: ${cols.length}` },
                      ...cols.map((c) => c.box));
      const parts = [el("div", { class: "who", text: home.d.name[home.byId.get(id)] }), grid];
      if (TWO && !D.paired) parts.push(el("div", { class: "now", text: W.not_linked }));
      follow.replaceChildren(...parts);
      followed = { id, home: player.home, cols };
    }
    for (const c of followed.cols) {
      const { p, i } = c;
      if (i === undefined) {
        if (c.nowText === null) { c.now.textContent = W.not_here; c.nowText = W.not_here; }
        continue;
      }
      const tt = Math.min(t, p.d.horizon);
      let now = "";
      if (p.d.arrive[i] <= tt) {
        const k = p.stateAt(i, tt), state = STATES[p.d.path[i][k + 1]];
        const stage = D.column[state] || state;
        now = `${W[`state_${stage}`] || ""}${PILES[state] ? ` (${W[state]})` : ""} · ` +
              `${W.frustration.toLowerCase()} ${Math.round(100 * p.frustrationAt(i, tt))}%`;
      }
      if (now !== c.nowText) { c.now.textContent = now; c.nowText = now; }
      const story = p.d.story[i];
      const count = countUpTo(story.map((x) => x[0]), tt);
      if (count !== c.shown) {
        c.list.replaceChildren(...story.slice(0, count).map(([w, text], k) => el(
          "li", { class: k === count - 1 ? "last" : "" },
          el("span", { class: "wk", text: weekText(w) }), el("span", { text }))));
        if (count > c.shown) c.list.scrollTop = c.list.scrollHeight;  // only this column
        c.shown = count;
      }
    }
  }

  // ------------------------------------------------------------ the player
  const player = {
    week: 0, playing: false, frames: 0, selected: null, home: 0, speed: 1, panels,
    play() { if (this.week >= HORIZON) this.seek(0); this.playing = true; buttons(); },
    pause() { this.playing = false; buttons(); dirty = true; },
    step() {
      this.playing = false;
      this.week = Math.min(HORIZON, Math.floor(this.week + 1e-9) + 1);
      buttons(); dirty = true;
    },
    seek(w) { this.week = Math.max(0, Math.min(HORIZON, w)); jump = true; dirty = true; },
    select(id, panel) {
      this.selected = id;
      if (panel !== undefined) this.home = panel;
      dirty = true;
    },
    dot(panel, id) {  // where a dot is drawn (page coordinates), for tests and tours
      const p = panels[panel], i = p.byId.get(id);
      const hit = p.placed.find((q) => q[0] === i);
      if (!hit) return null;
      const rect = p.canvas.getBoundingClientRect();
      return { x: rect.left + hit[1], y: rect.top + hit[2] };
    },
  };
  window.regiePlayer = player;
  let dirty = true, jump = true, last = null, busyUntil = 0, dragging = false;
  const buttons = () => {
    play.classList.toggle("on", player.playing);
    pause.classList.toggle("on", !player.playing);
  };
  play.addEventListener("click", () => player.play());
  pause.addEventListener("click", () => player.pause());
  step.addEventListener("click", () => player.step());
  restart.addEventListener("click", () => { player.seek(0); });
  speed.addEventListener("change", () => {
    player.speed = Number(speed.value);
    speed.blur();  // Space plays and pauses again
  });
  scrub.addEventListener("input", () => { player.seek(Number(scrub.value)); });
  scrub.addEventListener("pointerdown", () => { dragging = true; });
  window.addEventListener("pointerup", () => { dragging = false; });
  scrub.addEventListener("change", () => { dragging = false; });
  stopAtFallback.addEventListener("change", () => stopAtFallback.blur());
  document.addEventListener("keydown", (ev) => {
    if (ev.target && ev.target.tagName === "SELECT") return;
    if (ev.code === "Space") { ev.preventDefault(); player.playing ? player.pause() : player.play(); }
    if (ev.code === "ArrowRight") { ev.preventDefault(); player.step(); }
  });

  // Both panels fit the window: the canvases get the height the page above them and
  // their own titles, signs and news leave (measured, not assumed); two panels stand
  // side by side on a wide screen, one above the other on a narrow one.
  function layout() {
    const wide = TWO && window.innerWidth >= 1000;
    main.classList.toggle("side", wide);
    const rows = TWO && !wide ? 2 : 1;
    panels.forEach((p) => p.resize(200));  // measures the column names at this width
    const top = panelsBox.getBoundingClientRect().top + window.scrollY;
    const chrome = Math.max(...panels.map((p) => p.box.offsetHeight - p.canvas.offsetHeight));
    const gap = 10;
    const avail = window.innerHeight - top - rows * (chrome + gap);
    // never less than the drawing needs: stacked on a narrow screen the page scrolls
    // rather than the exits' counts running over their names
    const least = Math.max(200, ...panels.map((p) => p.needs));
    const height = Math.floor(Math.max(least, Math.min(TWO ? 600 : 700, avail / rows)));
    panels.forEach((p) => p.resize(height));
    jump = true; dirty = true;
  }
  window.addEventListener("resize", layout);
  layout();
  const at = /week=(\d+(?:\.\d+)?)/.exec(window.location.hash);  // film.html#week=54
  if (at) player.seek(Number(at[1]));

  // the week a fallback begins in some panel between two moments (null: none)
  const fallbackBetween = (a, b) => {
    for (const p of panels) {
      if (!p.d.changes) continue;
      const f = p.d.fallback;
      for (let k = Math.max(1, Math.floor(a) + 1); k <= Math.floor(b) && k < f.length; k++) {
        if (f[k] === 1 && f[k - 1] === 0) return k;
      }
    }
    return null;
  };

  function frame(now) {
    const dt = last === null ? 0 : Math.min(0.1, (now - last) / 1000);
    last = now;
    if (player.playing) {
      const before = player.week;
      player.week += dt * player.speed * HORIZON / D.secondsPerTerm;
      if (player.week >= HORIZON) { player.week = HORIZON; player.pause(); }
      const start = stopAtFallback.checked ? fallbackBetween(before, player.week) : null;
      if (start !== null) { player.week = start + 0.999; player.pause(); }
    }
    if (dirty) busyUntil = now + 1500;  // the dots travel to their places for a while
    if (player.playing || dirty || now < busyUntil) {  // paused and settled: nothing to draw
      const t = player.week;
      panels.forEach((p) => p.draw(t, dt, jump,
                                   D.paired || p.index === player.home ? player.selected : null));
      jump = false;
      player.frames++;
      clock.textContent = `${W.week} ${Math.floor(t)} ${W.of} ${Math.round(HORIZON)}`;
      clock.dataset.week = t.toFixed(3);
      if (!dragging) scrub.value = String(Math.floor(t));
      renderFollow(t);
      dirty = false;
    }
    requestAnimationFrame(frame);
  }
  buttons();
  requestAnimationFrame(frame);
})();
