// hedgesim explorer: shows the precomputed run at the sliders' position. Plain JavaScript,
// no library, no network: the data is the JSON in #explorer-data.
"use strict";
(function () {
  const D = JSON.parse(document.getElementById("explorer-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const W = 960, LEFT = 90, RIGHT = 20;
  const byIndex = new Map(D.points.map((p) => [p.index.join(","), p]));

  function fixed(x) { return x.toFixed(3); }
  function count(n) {
    const unit = D.round_unit;
    if (unit === "round") return n + (n === 1 ? " round" : " rounds");
    return n + " " + unit + (n === 1 ? "" : "s");
  }
  function horizonText(p) {
    if (p.horizon === null) return "beyond " + count(D.rounds);
    const date = D.dates[p.horizon];
    return count(p.horizon) + (date ? " (" + date + ")" : "");
  }
  function show(id, text, value) {
    const el = document.getElementById(id);
    el.textContent = text;
    el.dataset.value = String(value);
  }
  function el(name, attrs, parent) {
    const e = document.createElementNS(SVG, name);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (parent) parent.appendChild(e);
    return e;
  }
  function x(t) { return LEFT + (t * (W - LEFT - RIGHT)) / D.rounds; }
  function tickStep(n) {
    for (const s of [1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120]) {
      if (Math.floor((n - 1) / s) + 1 <= 8) return s;
    }
    return Math.ceil(n / 8);
  }
  function timeAxis(svg, y) {
    const step = tickStep(D.rounds);
    for (let t = 0; t < D.rounds; t += step) {
      const label = D.dates[t] !== null ? D.dates[t] : String(t);
      const text = el("text", { x: x(t + 0.5), y: y + 14, "text-anchor": "middle",
                                class: "tick" }, svg);
      text.textContent = label;
    }
    const name = el("text", { x: (LEFT + W - RIGHT) / 2, y: y + 30, "text-anchor": "middle" },
                    svg);
    name.textContent = D.dates[0] !== null ? "date" : "round";
  }

  function drawSurvival(p) {
    const svg = document.getElementById("survival");
    svg.replaceChildren();
    const top = 10, h = 200;
    const y = (v) => top + (1 - v) * h;
    el("line", { x1: LEFT, x2: W - RIGHT, y1: y(0), y2: y(0), stroke: "#999" }, svg);
    for (const v of [0, 0.5, 1]) {
      const t = el("text", { x: LEFT - 6, y: y(v) + 4, "text-anchor": "end" }, svg);
      t.textContent = String(v);
    }
    const series = [["hedge", p.hedge, D.end_colours.hedge, "", "Syria hedges"],
                    ["horizon_by", p.horizon_by, "#4477AA", "2 2",
                     "hedging no longer certain by then"],
                    ["standing", p.standing.slice(0, D.rounds), D.end_colours.collapse, "6 3",
                     "the regime stands (start of the round)"]];
    series.forEach(([, , colour, dash, label], i) => {
      const y1 = y(0) + 50, x1 = LEFT + 290 * i;
      el("line", { x1: x1, x2: x1 + 28, y1: y1, y2: y1, stroke: colour, "stroke-width": 2.5,
                   "stroke-dasharray": dash }, svg);
      el("text", { x: x1 + 34, y: y1 + 4 }, svg).textContent = label;
    });
    for (const [name, values, colour, dash] of series) {
      let d = "";
      values.forEach((v, t) => {
        d += (t === 0 ? "M" : "L") + x(t) + "," + y(v) + "L" + x(t + 1) + "," + y(v);
      });
      el("path", { d: d, fill: "none", stroke: colour, "stroke-width": 2.5,
                   "stroke-dasharray": dash, "data-series": name }, svg);
    }
    timeAxis(svg, y(0));
    const table = document.getElementById("survival-table");
    table.replaceChildren();
    const head = table.insertRow();
    head.insertCell().textContent = "round";
    const rows = [["P(Syria hedges)", p.hedge, "hedge"],
                  ["P(hedging no longer certain by then)", p.horizon_by, "horizon_by"],
                  ["P(regime stands at the start)", p.standing.slice(0, D.rounds), "standing"]];
    p.hedge.forEach((_, t) => { head.insertCell().textContent = D.dates[t] || String(t); });
    for (const [label, values, name] of rows) {
      const r = table.insertRow();
      r.dataset.series = name;
      r.insertCell().textContent = label;
      values.forEach((v, t) => {
        const c = r.insertCell();
        c.textContent = fixed(v);
        c.dataset.value = String(v);
        c.dataset.round = String(t);
      });
    }
  }

  function drawPath(p) {
    const svg = document.getElementById("path");
    svg.replaceChildren();
    const rowH = 44, gap = 8, top = 6;
    D.players.forEach((player, row) => {
      const y0 = top + row * (rowH + gap);
      const name = el("text", { x: LEFT - 6, y: y0 + rowH / 2 + 4, "text-anchor": "end" }, svg);
      name.textContent = D.player_names[player];
      p.path[player].forEach((probs, t) => {
        let bottom = y0 + rowH;
        probs.forEach((q, a) => {
          if (q <= 1e-9) return;
          const hgt = q * rowH;
          const rect = el("rect", { x: x(t), y: bottom - hgt, width: x(t + 1) - x(t),
                                    height: hgt, fill: D.colours[player][a], stroke: "white",
                                    "stroke-width": 0.5, "data-player": player,
                                    "data-round": t, "data-action": a,
                                    "data-value": String(q) }, svg);
          const tip = el("title", {}, rect);
          tip.textContent = D.actions[player][a] + " " + fixed(q);
          bottom -= hgt;
        });
        const fallen = bottom - y0;  // what is left: the regime has fallen
        if (fallen > 1e-9 * rowH) {
          el("rect", { x: x(t), y: y0, width: x(t + 1) - x(t), height: fallen,
                       fill: D.end_colours.collapse, stroke: "white", "stroke-width": 0.5,
                       "data-player": player, "data-round": t, "data-action": "collapsed" },
             svg);
        }
      });
    });
    timeAxis(svg, top + D.players.length * (rowH + gap));
  }

  function legend() {
    const box = document.getElementById("legend");
    const seen = new Set();
    D.players.forEach((player) => {
      D.kinds[player].forEach((kind, a) => {
        const key = player === D.players[0] ? "syria:" + kind : kind;
        if (seen.has(key)) return;
        seen.add(key);
        const span = document.createElement("span");
        const swatch = document.createElement("i");
        swatch.style.background = D.colours[player][a];
        span.appendChild(swatch);
        span.appendChild(document.createTextNode(
          player === D.players[0] ? D.player_names[player] + ": " + D.actions[player][a]
                                  : kind));
        box.appendChild(span);
      });
    });
    const span = document.createElement("span");
    const swatch = document.createElement("i");
    swatch.style.background = D.end_colours.collapse;
    span.appendChild(swatch);
    span.appendChild(document.createTextNode("regime has fallen"));
    box.appendChild(span);
  }

  function update() {
    const index = D.keys.map((_, k) => Number(document.getElementById("slider-" + k).value));
    const p = byIndex.get(index.join(","));
    D.keys.forEach((_, k) => show("value-" + k, D.axis_text[k][index[k]],
                                  D.axes[k][index[k]]));
    show("horizon", horizonText(p), p.horizon === null ? "never" : p.horizon);
    show("never", fixed(p.horizon_never), p.horizon_never);
    show("exit-mode", p.exit_mode, p.exit_mode);
    show("collapse-end", fixed(p.fallen_end), p.fallen_end);
    for (const e of D.ends) show("exit-" + e, fixed(p.exit[e]), p.exit[e]);
    const link = document.getElementById("file");
    link.textContent = p.file;
    link.href = p.file;
    drawSurvival(p);
    drawPath(p);
    document.body.dataset.position = index.join(",");
  }

  D.keys.forEach((_, k) => {
    document.getElementById("slider-" + k).addEventListener("input", update);
  });
  legend();
  update();
})();
