// saddlepath report charts: SVG line/step/point charts drawn from the JSON specs inlined
// in the page (the JSON script element "saddlepath-charts"). No dependencies.
// Hover: the nearest curve at the pointer is named with its value (the tooltip).
// Zoom: drag a rectangle (or a horizontal band); double-click or "reset" restores.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  var M = {l: 74, r: 16, t: 12, b: 44};

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function fmt(v) {
    if (v === 0) return "0";
    var a = Math.abs(v);
    return (a >= 1e5 || a < 1e-3) ? v.toExponential(3) : String(+v.toPrecision(6));
  }
  function niceTicks(lo, hi, log) {
    if (log) {
      var out = [], a = Math.ceil(lo), b = Math.floor(hi), step = Math.max(1, Math.ceil((b - a) / 8));
      for (var p = a; p <= b; p += step) out.push(p);
      return out;
    }
    var span = hi - lo, raw = span / 6, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step2 = [1, 2, 5, 10].map(function (m) { return m * mag; })
      .find(function (s) { return span / s <= 7; });
    var ticks = [];
    for (var t = Math.ceil(lo / step2) * step2; t <= hi + step2 * 1e-9; t += step2) ticks.push(t);
    return ticks;
  }

  function Chart(fig, spec) {
    this.fig = fig; this.spec = spec; this.hidden = {};
    this.logY = !!spec.y.log; this.logX = !!spec.x.log;
    this.W = Math.max(320, Math.min(fig.clientWidth || 760, 960)); this.H = 340;
    this.svg = el("svg", {width: this.W, height: this.H, role: "img",
                          "aria-label": spec.title}, null);
    fig.insertBefore(this.svg, fig.firstChild);
    this.tip = document.createElement("div"); this.tip.className = "tip"; fig.appendChild(this.tip);
    this.toolbar(); this.legend(); this.reset(); this.events();
  }
  Chart.prototype.tx = function (v) { return this.logX ? (v > 0 ? Math.log10(v) : null) : v; };
  Chart.prototype.ty = function (v) { return this.logY ? (v > 0 ? Math.log10(v) : null) : v; };
  Chart.prototype.pts = function (s) {  // the series in transformed coordinates
    var out = [];
    for (var i = 0; i < s.x.length; i++) {
      var x = s.x[i] === null ? null : this.tx(s.x[i]), y = s.y[i] === null ? null : this.ty(s.y[i]);
      out.push(x === null || y === null ? null : [x, y]);
    }
    return out;
  };
  Chart.prototype.extent = function (xr) {
    var x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, self = this;
    this.spec.series.forEach(function (s, i) {
      if (self.hidden[i]) return;
      var ys = [s.y].concat(s.band ? [s.band.lo, s.band.hi] : []);
      ys.forEach(function (yy) {
        var pts = self.pts({x: s.x, y: yy});
        pts.forEach(function (p, k) {
          // a step's value at the left edge is that of the last point before it
          var next = pts[k + 1], holds = s.kind === "step" && next && next[0] > (xr ? xr[0] : 0);
          if (!p || (xr && (p[0] > xr[1] || (p[0] < xr[0] && !holds)))) return;
          x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]);
        });
      });
    });
    if (!isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
    var pad = function (a, b) { var d = (b - a) || Math.abs(a) || 1; return [a - 0.04 * d, b + 0.04 * d]; };
    return {x: xr || pad(x0, x1), y: pad(y0, y1)};
  };
  Chart.prototype.reset = function () { this.dom = this.extent(null); this.draw(); };
  Chart.prototype.px = function (x) { var d = this.dom.x; return M.l + (x - d[0]) / (d[1] - d[0]) * (this.W - M.l - M.r); };
  Chart.prototype.py = function (y) { var d = this.dom.y; return this.H - M.b - (y - d[0]) / (d[1] - d[0]) * (this.H - M.t - M.b); };
  Chart.prototype.inv = function (px, py) {
    var d = this.dom;
    return [d.x[0] + (px - M.l) / (this.W - M.l - M.r) * (d.x[1] - d.x[0]),
            d.y[0] + (this.H - M.b - py) / (this.H - M.t - M.b) * (d.y[1] - d.y[0])];
  };
  Chart.prototype.line = function (pts, step) {
    var d = "", pen = false, last = null, self = this;
    pts.forEach(function (p) {
      if (!p) { pen = false; return; }
      var X = self.px(p[0]).toFixed(1), Y = self.py(p[1]).toFixed(1);
      if (pen && step) d += "H" + X + "V" + Y; else d += (pen ? "L" : "M") + X + " " + Y;
      pen = true; last = p;
    });
    return d;
  };
  Chart.prototype.axes = function (g) {
    var self = this, x0 = M.l, x1 = this.W - M.r, y0 = this.H - M.b, y1 = M.t;
    [[this.dom.x, this.logX, true], [this.dom.y, this.logY, false]].forEach(function (a) {
      niceTicks(a[0][0], a[0][1], a[1]).forEach(function (t) {
        var label = a[1] ? "1e" + t : fmt(t);
        if (a[2]) {
          var X = self.px(t);
          el("line", {x1: X, x2: X, y1: y0, y2: y1, class: "grid"}, g);
          el("text", {x: X, y: y0 + 16, "text-anchor": "middle", class: "tick"}, g).textContent = label;
        } else {
          var Y = self.py(t);
          el("line", {x1: x0, x2: x1, y1: Y, y2: Y, class: "grid"}, g);
          el("text", {x: x0 - 6, y: Y + 4, "text-anchor": "end", class: "tick"}, g).textContent = label;
        }
      });
    });
    el("rect", {x: x0, y: y1, width: x1 - x0, height: y0 - y1, class: "frame"}, g);
    el("text", {x: (x0 + x1) / 2, y: this.H - 6, "text-anchor": "middle", class: "label"}, g)
      .textContent = this.spec.x.label + (this.logX ? " (log scale)" : "");
    el("text", {x: 14, y: (y0 + y1) / 2, "text-anchor": "middle", class: "label",
                transform: "rotate(-90 14 " + (y0 + y1) / 2 + ")"}, g)
      .textContent = this.spec.y.label + (this.logY ? " (log scale)" : "");
  };
  Chart.prototype.draw = function () {
    var svg = this.svg, self = this, id = this.fig.id + "-clip";
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    var clip = el("clipPath", {id: id}, el("defs", {}, svg));
    el("rect", {x: M.l, y: M.t, width: this.W - M.l - M.r, height: this.H - M.t - M.b}, clip);
    this.axes(el("g", {}, svg));
    var body = el("g", {"clip-path": "url(#" + id + ")"}, svg);
    this.paths = [];
    this.spec.series.forEach(function (s, i) {
      var color = s.color || COLORS[i % COLORS.length];
      if (self.hidden[i]) { self.paths.push(null); return; }
      if (s.band) {
        var lo = self.pts({x: s.x, y: s.band.lo}), hi = self.pts({x: s.x, y: s.band.hi}).reverse();
        el("path", {d: self.line(lo.concat(hi), false) + "Z", fill: color, class: "band"}, body);
      }
      var pts = self.pts(s), p = null;
      if (s.kind !== "points") {
        p = el("path", {d: self.line(pts, s.kind === "step"), stroke: color, class: "series",
                        "data-series": i}, body);
        if (s.dash) p.setAttribute("stroke-dasharray", "5 4");
      }
      if (s.kind === "points" || s.markers) pts.forEach(function (q) {
        if (q) el("circle", {cx: self.px(q[0]), cy: self.py(q[1]), r: 3, fill: color, class: "dot"}, body);
      });
      self.paths.push(p);
    });
    this.focus = el("circle", {r: 5, class: "focus", cx: -10, cy: -10}, svg);
    this.band = el("rect", {class: "zoom", x: 0, y: 0, width: 0, height: 0}, svg);
    this.fig.setAttribute("data-x-domain", this.dom.x.map(fmt).join(" "));
    this.fig.setAttribute("data-y-domain", this.dom.y.map(fmt).join(" "));
  };
  Chart.prototype.valueAt = function (s, pts, x) {  // the curve's value at x (x sorted)
    var best = null;
    for (var i = 0; i < pts.length; i++) {
      if (!pts[i]) continue;
      if (pts[i][0] <= x) best = i; else break;
    }
    if (best === null) return null;
    var a = pts[best], b = pts[best + 1];
    if (s.kind === "step" || !b) return {i: best, y: a[1], x: x};
    var w = (x - a[0]) / (b[0] - a[0]);
    return {i: w < 0.5 ? best : best + 1, y: a[1] + w * (b[1] - a[1]), x: x};
  };
  Chart.prototype.nearest = function (mx, my) {
    var best = null, self = this, x = this.inv(mx, my)[0];
    this.spec.series.forEach(function (s, i) {
      if (self.hidden[i]) return;
      var pts = self.pts(s);
      if (s.kind === "points") {
        pts.forEach(function (p, k) {
          if (!p) return;
          var d = Math.hypot(self.px(p[0]) - mx, self.py(p[1]) - my);
          if (!best || d < best.d) best = {d: d, s: i, k: k, x: p[0], y: p[1]};
        });
        return;
      }
      var v = self.valueAt(s, pts, x);
      if (!v) return;
      var d2 = Math.abs(self.py(v.y) - my);
      if (!best || d2 < best.d) best = {d: d2, s: i, k: v.i, x: x, y: v.y};
    });
    return best && best.d < 40 ? best : null;
  };
  Chart.prototype.show = function (mx, my) {
    var hit = this.nearest(mx, my), self = this;
    this.paths.forEach(function (p, i) { if (p) p.classList.toggle("hot", !!hit && hit.s === i); });
    if (!hit) { this.tip.style.display = "none"; this.focus.setAttribute("cx", -10); return; }
    var s = this.spec.series[hit.s], X = this.logX ? Math.pow(10, hit.x) : hit.x;
    var Y = this.logY ? Math.pow(10, hit.y) : hit.y;
    this.focus.setAttribute("cx", this.px(hit.x)); this.focus.setAttribute("cy", this.py(hit.y));
    this.tip.textContent = s.name + ": " + this.spec.x.name + " = " + fmt(X) + ", " +
      (s.value_name || this.spec.y.name) + " = " + fmt(Y) +
      (s.labels && s.labels[hit.k] ? " (" + s.labels[hit.k] + ")" : "");
    this.tip.style.display = "block";
    this.tip.style.left = Math.min(mx + 12, self.W - 180) + "px"; this.tip.style.top = (my + 12) + "px";
  };
  Chart.prototype.events = function () {
    var self = this, start = null;
    var at = function (e) { var r = self.svg.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
    this.svg.addEventListener("mousedown", function (e) { start = at(e); e.preventDefault(); });
    this.svg.addEventListener("mousemove", function (e) {
      var p = at(e);
      self.show(p[0], p[1]);
      if (!start) return;
      var b = self.band;
      b.setAttribute("x", Math.min(start[0], p[0])); b.setAttribute("width", Math.abs(p[0] - start[0]));
      b.setAttribute("y", Math.min(start[1], p[1])); b.setAttribute("height", Math.abs(p[1] - start[1]));
    });
    this.svg.addEventListener("mouseleave", function () { self.tip.style.display = "none"; });
    window.addEventListener("mouseup", function (e) {
      if (!start) return;
      var p = at(e), a = self.inv(start[0], start[1]), b = self.inv(p[0], p[1]);
      var wide = Math.abs(p[0] - start[0]) > 5, tall = Math.abs(p[1] - start[1]) > 5;
      start = null;
      if (!wide) { self.band.setAttribute("width", 0); return; }
      var xr = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
      self.dom = tall ? {x: xr, y: [Math.min(a[1], b[1]), Math.max(a[1], b[1])]} : self.extent(xr);
      self.draw();
    });
    this.svg.addEventListener("dblclick", function () { self.reset(); });
  };
  Chart.prototype.toolbar = function () {
    var self = this, bar = document.createElement("div");
    bar.className = "toolbar";
    var add = function (text, fn) {
      var b = document.createElement("button"); b.type = "button"; b.textContent = text;
      b.addEventListener("click", fn); bar.appendChild(b); return b;
    };
    add("reset zoom", function () { self.reset(); });
    if (this.spec.y.log_toggle) add("log / linear y", function () { self.logY = !self.logY; self.reset(); });
    this.fig.insertBefore(bar, this.fig.firstChild);
  };
  Chart.prototype.legend = function () {
    var self = this, box = document.createElement("div");
    box.className = "legend";
    this.spec.series.slice(0, 24).forEach(function (s, i) {
      var item = document.createElement("button");
      item.type = "button"; item.textContent = s.name;
      item.style.borderColor = s.color || COLORS[i % COLORS.length];
      item.addEventListener("click", function () {
        self.hidden[i] = !self.hidden[i]; item.classList.toggle("off", self.hidden[i]); self.draw();
      });
      box.appendChild(item);
    });
    this.fig.appendChild(box);
  };

  var data = document.getElementById("saddlepath-charts");
  var specs = data ? JSON.parse(data.textContent) : {};
  document.querySelectorAll("figure.chart[data-chart]").forEach(function (fig) {
    var spec = specs[fig.getAttribute("data-chart")];
    if (spec) { fig.chart = new Chart(fig, spec); fig.setAttribute("data-drawn", "yes"); }
  });
})();
