/* Convolution explorer for chapter 3 of cnnbook (plain JavaScript, no libraries, no network).
 *
 * Fills every element with id "conv-explorer" with controls (input size, kernel size, stride,
 * padding, dilation), the output-size arithmetic and an SVG of the padded input, the kernel and
 * the output, with the kernel window sweeping over the input as in cs231n's conv demo.
 * The output size is shown in the element with id "conv-explorer-output-size" (an integer, or
 * "none" when the dilated kernel does not fit in the padded input).
 */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var CELL = 26;
  var CONTROLS = [
    // [key, label, min, max, default]
    ["n", "input size", 1, 12, 5],
    ["k", "kernel size", 1, 7, 3],
    ["s", "stride", 1, 4, 2],
    ["p", "padding", 0, 4, 1],
    ["d", "dilation", 1, 3, 1]
  ];

  function outputSize(n, k, s, p, d) {
    // floor((n + 2p - d(k - 1) - 1) / s) + 1, or null when the window does not fit
    var span = d * (k - 1) + 1;
    if (span > n + 2 * p) { return null; }
    return Math.floor((n + 2 * p - span) / s) + 1;
  }

  function values(count, lo, hi, seed) {
    // small deterministic pseudo-random integers in [lo, hi] (Park-Miller generator, exact
    // in double precision)
    var out = [], state = seed;
    for (var i = 0; i < count; i++) {
      state = (state * 48271) % 2147483647;
      out.push(lo + Math.floor(state / 2147483647 * (hi - lo + 1)));
    }
    return out;
  }

  function el(tag, attrs, parent, text) {
    var node = document.createElementNS(SVGNS, tag);
    for (var key in attrs) { node.setAttribute(key, attrs[key]); }
    if (text !== undefined) { node.textContent = text; }
    if (parent) { parent.appendChild(node); }
    return node;
  }

  function Explorer(root) {
    this.root = root;
    this.state = {};
    this.t = 0;
    this.timer = null;
    root.classList.add("conv-explorer");
    var form = document.createElement("div");
    form.className = "conv-explorer-controls";
    var self = this;
    CONTROLS.forEach(function (c) {
      var label = document.createElement("label");
      label.textContent = c[1] + " ";
      var select = document.createElement("select");
      select.id = "conv-explorer-" + c[0];
      for (var v = c[2]; v <= c[3]; v++) {
        var opt = document.createElement("option");
        opt.value = String(v);
        opt.textContent = String(v);
        select.appendChild(opt);
      }
      select.value = String(c[4]);
      self.state[c[0]] = c[4];
      select.addEventListener("change", function () {
        self.state[c[0]] = parseInt(select.value, 10);
        self.t = 0;
        self.render();
      });
      label.appendChild(select);
      form.appendChild(label);
    });
    root.appendChild(form);

    this.summary = document.createElement("p");
    this.summary.className = "conv-explorer-summary";
    this.summary.innerHTML = 'Output size: <span id="conv-explorer-output-size"></span>' +
      ' <span class="conv-explorer-formula"></span>';
    root.appendChild(this.summary);
    this.sizeNode = this.summary.querySelector("#conv-explorer-output-size");
    this.formulaNode = this.summary.querySelector(".conv-explorer-formula");

    var buttons = document.createElement("div");
    buttons.className = "conv-explorer-buttons";
    [["prev", "\u25c0 step"], ["play", "play"], ["next", "step \u25b6"]].forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "conv-explorer-" + b[0];
      button.textContent = b[1];
      buttons.appendChild(button);
    });
    root.appendChild(buttons);
    this.playButton = buttons.querySelector(".conv-explorer-play");
    this.playButton.addEventListener("click", function () { self.togglePlay(); });
    buttons.querySelector(".conv-explorer-prev").addEventListener("click", function () {
      self.stop(); self.step(-1);
    });
    buttons.querySelector(".conv-explorer-next").addEventListener("click", function () {
      self.stop(); self.step(1);
    });

    this.sum = document.createElement("p");
    this.sum.className = "conv-explorer-sum";
    root.appendChild(this.sum);
    this.svgBox = document.createElement("div");
    this.svgBox.className = "conv-explorer-figure";
    root.appendChild(this.svgBox);
    this.render();
  }

  Explorer.prototype.stop = function () {
    if (this.timer) { clearInterval(this.timer); this.timer = null; }
    this.playButton.textContent = "play";
  };

  Explorer.prototype.togglePlay = function () {
    var self = this;
    if (this.timer) { this.stop(); return; }
    this.playButton.textContent = "pause";
    this.timer = setInterval(function () { self.step(1); }, 700);
  };

  Explorer.prototype.step = function (delta) {
    var o = this.out;
    if (!o) { return; }
    this.t = (this.t + delta + o * o) % (o * o);
    this.render();
  };

  Explorer.prototype.render = function () {
    var st = this.state, n = st.n, k = st.k, s = st.s, p = st.p, d = st.d;
    var o = outputSize(n, k, s, p, d);
    this.out = o;
    var span = d * (k - 1) + 1;
    this.formulaNode.textContent = "= \u230a(" + n + " + 2\u00b7" + p + " \u2212 " + d +
      "\u00b7(" + k + " \u2212 1) \u2212 1) / " + s + "\u230b + 1";
    if (o === null) {
      this.sizeNode.textContent = "none";
      this.sizeNode.setAttribute("data-valid", "false");
      this.formulaNode.textContent = ": the dilated kernel spans " + span +
        " cells, more than the padded input (" + (n + 2 * p) + ")";
      this.sum.textContent = "";
      this.svgBox.textContent = "";
      this.stop();
      return;
    }
    this.sizeNode.textContent = String(o);
    this.sizeNode.setAttribute("data-valid", "true");
    this.formulaNode.textContent += ", so the output is " + o + "\u00d7" + o;
    if (this.t >= o * o) { this.t = 0; }
    var i = Math.floor(this.t / o), j = this.t % o;

    var size = n + 2 * p;
    var x = values(n * n, 0, 2, 7 + n);
    var w = values(k * k, -1, 1, 11 + k);
    function xAt(r, c) {  // padded-input value
      r -= p; c -= p;
      return (r < 0 || c < 0 || r >= n || c >= n) ? 0 : x[r * n + c];
    }
    function outAt(a, b) {
      var total = 0;
      for (var u = 0; u < k; u++) {
        for (var v = 0; v < k; v++) { total += w[u * k + v] * xAt(a * s + u * d, b * s + v * d); }
      }
      return total;
    }
    var taps = {}, terms = [];
    for (var u = 0; u < k; u++) {
      for (var v = 0; v < k; v++) {
        var r = i * s + u * d, c = j * s + v * d;
        taps[r + "," + c] = true;
        var wv = w[u * k + v];
        terms.push((wv < 0 ? "(" + wv + ")" : String(wv)) + "\u00b7" + xAt(r, c));
      }
    }
    this.sum.textContent = "output[" + i + ", " + j + "] = " + terms.join(" + ") + " = " +
      outAt(i, j) + "   (position " + (this.t + 1) + " of " + (o * o) + ")";

    // one SVG per grid in a wrapping row: on a narrow column the kernel and the output move
    // below the input instead of being pushed out of view, and a grid wider than the column
    // shrinks to fit it (explorer.css)
    this.svgBox.textContent = "";
    var box = this.svgBox;
    function grid(rows, title, fill, label) {
      var width = rows * CELL + 4, height = rows * CELL + 22;
      var svg = el("svg", { width: width, height: height, viewBox: "0 0 " + width + " " + height,
        role: "img", "aria-label": title + ", " + rows + "\u00d7" + rows }, box);
      svg.setAttribute("class", "conv-explorer-grid");
      el("text", { x: 2, y: 12, "class": "conv-explorer-title" }, svg, title);
      for (var a = 0; a < rows; a++) {
        for (var b = 0; b < rows; b++) {
          var g = el("g", {}, svg);
          var cls = fill(a, b);
          el("rect", { x: 2 + b * CELL, y: 18 + a * CELL, width: CELL - 2, height: CELL - 2,
            "class": cls }, g);
          el("text", { x: 2 + b * CELL + CELL / 2 - 1, y: 18 + a * CELL + CELL / 2 + 3,
            "text-anchor": "middle", "class": "conv-explorer-value " + cls + "-value" }, g,
            label(a, b));
        }
      }
      return svg;
    }
    grid(size, "input (padded)", function (a, b) {
      var pad = a < p || b < p || a >= p + n || b >= p + n;
      if (taps[a + "," + b]) { return "cx-tap"; }
      return pad ? "cx-pad" : "cx-input";
    }, function (a, b) { return String(xAt(a, b)); });
    grid(k, "kernel", function () { return "cx-kernel"; },
      function (a, b) { return String(w[a * k + b]); });
    var t = this.t;
    grid(o, "output", function (a, b) {
      var idx = a * o + b;
      return idx === t ? "cx-now" : (idx < t ? "cx-done" : "cx-todo");
    }, function (a, b) { return a * o + b <= t ? String(outAt(a, b)) : ""; })
      .classList.add("conv-explorer-output");
  };

  function init() {
    var roots = document.querySelectorAll("#conv-explorer");
    for (var r = 0; r < roots.length; r++) {
      if (!roots[r].getAttribute("data-ready")) {
        roots[r].setAttribute("data-ready", "true");
        new Explorer(roots[r]);
      }
    }
  }

  window.convExplorerOutputSize = outputSize;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
