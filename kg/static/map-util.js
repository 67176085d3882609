// kg map, part 1 of 5: DOM and colour helpers (kg/render.py pastes the parts into one script).
// Every string from the input graph enters the DOM through textContent (el()), never innerHTML.
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function swatch(shape, color) {
    var s = el("span", "kg-swatch " + shape);
    if (color) s.style.backgroundColor = color;
    return s;
  }

  function button(text, onClick) {
    var b = el("button", null, text);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function format(x) {
    if (typeof x !== "number") return x;
    // not toLocaleString: it is slow enough to matter in a list of hundreds of neighbours
    return Number.isInteger(x) ? String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ",") : x.toFixed(3);
  }

  function darker(hex) {
    var n = parseInt(hex.slice(1), 16);
    var c = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map(function (v) { return Math.floor(v * 0.7); });
    return "#" + c.map(function (v) { return (v < 16 ? "0" : "") + v.toString(16); }).join("");
  }

  function nodeColour(hex) {
    return { background: hex, border: darker(hex), highlight: { background: hex, border: "#111111" },
             hover: { background: hex, border: "#111111" } };
  }

  // The view as PNG: the network canvas on white (it is transparent).
  function viewPng(container) {
    var canvas = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = canvas.width;
    out.height = canvas.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff"; // the network canvas is transparent
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }

  function downloadPng(container) {
    var link = el("a");
    link.href = viewPng(container);
    link.download = "kg-map.png";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  }

  window.kgUtil = { viewPng: viewPng, downloadPng: downloadPng, el: el, clear: clear, swatch: swatch, button: button, format: format,
                    darker: darker, nodeColour: nodeColour };
})();
