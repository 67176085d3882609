// kg interactive map. Data comes from the JSON block written by kg/render.py.
// Rule: every string that came from the input graph enters the DOM through textContent
// (see el()) and never through innerHTML, so names stay text whatever they contain.
// Nodes arrive with their positions (kg/layout.py): physics stays off, the page opens laid out.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var app = document.getElementById("kg-app");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var NODE_FONT = data.options.nodes.font;
  var DIM_NODE = {
    background: "rgba(215,219,224,0.55)", border: "rgba(190,195,202,0.55)",
    highlight: { background: "rgba(215,219,224,0.55)", border: "#111111" },
    hover: { background: "rgba(215,219,224,0.55)", border: "#111111" }
  };
  var DIM_EDGE = { color: "#d5d9de", highlight: "#333333", hover: "#333333", opacity: 0.35 };
  var DIM_TEXT = "rgba(120,120,120,0.45)";
  var READABLE_PX = 12; // on-screen size of the most important nodes' labels at any zoom
  var TABLE_ROWS = 500;

  var typeLabels = {};
  data.legend.types.forEach(function (t) { typeLabels[t.type] = t; });
  var relationLabels = {};
  data.legend.edges.forEach(function (r) { relationLabels[r.relation] = r; });

  // ------------------------------------------------------------------ DOM helpers

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
    return Number.isInteger(x) ? x.toLocaleString("en-US") : x.toFixed(3);
  }

  // ------------------------------------------------------------------ every entity of the page

  // entities: id -> {id, name, aliases, type, subtype, mentions, degree, first, last, onMap}
  var entities = {};
  var entityList = [];
  function register(item) {
    var k = item.kg;
    var entry = {
      id: item.id, name: k.name, aliases: k.aliases, type: item.kgType, subtype: item.kgSubtype,
      mentions: k.mentions, degree: k.degree, first: k.first_seen || "", last: k.last_seen || "", onMap: true
    };
    entities[item.id] = entry;
    entityList.push(entry);
  }
  data.nodes.forEach(register);
  var extraRows = {};
  (data.extra || []).forEach(function (r) {
    extraRows[r[0]] = r;
    var entry = {
      id: r[0], name: r[1], aliases: r[4] ? r[4].split("|") : [], type: r[2], subtype: r[3],
      mentions: r[5], degree: r[7], first: r[8] || "", last: r[9] || "", onMap: false
    };
    entities[r[0]] = entry;
    entityList.push(entry);
  });
  var extraEdgesOf = {};
  (data.extraEdges || []).forEach(function (r, i) {
    [r[0], r[1]].forEach(function (end) { (extraEdgesOf[end] = extraEdgesOf[end] || []).push(i); });
  });

  function colourFor(type, subtype) {
    return data.palette[type + "/" + subtype] || data.palette["OTHER/other"];
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

  // A vis item for an entity left off the map (see kg/render.py `_extra_nodes`).
  function extraNode(r) {
    var name = r[1];
    return {
      id: r[0], label: name.length <= 16 ? name : name.slice(0, 15) + "…", shape: data.shapes[r[2]] || "diamond",
      size: r[13], x: r[10], y: r[11], color: nodeColour(colourFor(r[2], r[3])), kgType: r[2], kgSubtype: r[3],
      kgAdded: true,
      kg: { id: r[0], name: name, type: r[2], subtype: r[3], aliases: r[4] ? r[4].split("|") : [], titles: [],
            affiliations: [], mentions: r[5], documents: r[6], community: r[12], degree_centrality: null,
            weighted_degree: null, evidence: [], first_seen: r[8], last_seen: r[9], degree: r[7], betweenness: 0 }
    };
  }

  function extraEdge(r, i) {
    var position = r[3] === "holds_position_at";
    var colour = position ? "#e6550d" : "#9aa5b1";
    var item = {
      id: "x" + i, from: r[0], to: r[1], dashes: position ? [8, 9] : false, width: 1.5, kgRelation: r[3],
      color: { color: colour, highlight: "#555555", hover: "#555555", opacity: position ? 0.9 : 0.55 },
      kg: { relation: r[3], weight: r[2], title: r[4], npmi: r[5], documents: r[6], evidence: [],
            first_seen: r[7], last_seen: r[8] }
    };
    if (position) item.arrows = { to: { enabled: true, scaleFactor: 0.5 } };
    return item;
  }

  // ------------------------------------------------------------------ filters

  var typeVisible = {};
  var subtypeVisible = {};
  var relationVisible = {};
  var filters = { minWeight: 1, minNpmi: -1, minDegree: 0, from: null, to: null };
  var hiddenIds = {}; // chosen by the user; kept in the URL hash
  var periods = data.periods || []; // the date slider's stops: days, or months on long spans

  function overlapsDates(first, last) {
    if (filters.from === null && filters.to === null) return true;
    if (!first) return false; // undated: not known to fall in the range
    var lo = filters.from === null ? "" : filters.from;
    var hi = filters.to === null ? "\uffff" : filters.to + "\uffff"; // "1998-01" covers 1998-01-31
    return first <= hi && (last || first) >= lo;
  }

  function nodeBaseVisible(n) {
    return typeVisible[n.kgType] !== false && subtypeVisible[n.kgType + "/" + n.kgSubtype] !== false &&
      !hiddenIds[n.id] && overlapsDates(n.kg.first_seen, n.kg.last_seen);
  }

  function edgeOk(e) {
    var k = e.kg;
    if (relationVisible[e.kgRelation] === false) return false;
    if (filters.minWeight > 1 && (k.weight || 0) < filters.minWeight) return false; // weightless kinds stay at 1
    if (e.kgRelation !== "holds_position_at" && k.npmi !== null && k.npmi !== undefined && k.npmi < filters.minNpmi) return false;
    return overlapsDates(k.first_seen, k.last_seen);
  }

  function applyVisibility() {
    var visible = {};
    nodes.forEach(function (n) { visible[n.id] = nodeBaseVisible(n); });
    var candidates = edges.get({ filter: edgeOk });
    // Minimum degree counts the edges left visible: dropping a node lowers its neighbours'
    // degree, so repeat until every remaining node keeps enough (the k-core).
    for (var changed = true; changed;) {
      changed = false;
      var degree = {};
      candidates.forEach(function (e) {
        if (visible[e.from] && visible[e.to]) {
          degree[e.from] = (degree[e.from] || 0) + 1;
          degree[e.to] = (degree[e.to] || 0) + 1;
        }
      });
      if (filters.minDegree > 0) nodes.forEach(function (n) {
        if (visible[n.id] && (degree[n.id] || 0) < filters.minDegree) { visible[n.id] = false; changed = true; }
      });
    }
    var edgeShown = {};
    candidates.forEach(function (e) { edgeShown[e.id] = true; });
    var changes = [];
    nodes.forEach(function (n) {
      if (!!n.hidden !== !visible[n.id]) changes.push({ id: n.id, hidden: !visible[n.id] });
    });
    if (changes.length) nodes.update(changes);
    var edgeChanges = [];
    edges.forEach(function (e) {
      var hide = !(edgeShown[e.id] && visible[e.from] && visible[e.to]);
      if (!!e.hidden !== hide) edgeChanges.push({ id: e.id, hidden: hide });
    });
    if (edgeChanges.length) edges.update(edgeChanges);
    if (highlighted !== null && (!nodes.get(highlighted) || nodes.get(highlighted).hidden)) unpin();
    renderHiddenList();
    updateCounts();
  }

  var summaryLine = document.getElementById("kg-summary");
  var summaryText = summaryLine.textContent;
  function updateCounts() {
    var n = nodes.get({ filter: function (x) { return !x.hidden; } }).length;
    var m = edges.get({ filter: function (x) { return !x.hidden; } }).length;
    if (n === nodes.length && m === edges.length) summaryLine.textContent = summaryText;
    else summaryLine.textContent = summaryText + " · 可见 visible " + n + " / " + m;
  }

  function checkbox(id, checked, onChange) {
    var box = el("input");
    box.type = "checkbox";
    box.id = id;
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); });
    return box;
  }

  function setTypeVisible(type, visible) {
    typeVisible[type] = !!visible;
    var box = document.getElementById("kg-filter-" + type);
    if (box) box.checked = !!visible;
    document.querySelectorAll("[data-kg-parent]").forEach(function (sub) {
      if (sub.getAttribute("data-kg-parent") === type) sub.disabled = !visible;
    });
    applyVisibility();
  }

  function setSubtypeVisible(type, subtype, visible) {
    subtypeVisible[type + "/" + subtype] = !!visible;
    var box = document.getElementById("kg-filter-" + type + "-" + subtype);
    if (box) box.checked = !!visible;
    applyVisibility();
  }

  function setRelationVisible(relation, visible) {
    relationVisible[relation] = !!visible;
    var box = document.getElementById("kg-filter-edge-" + relation);
    if (box) box.checked = !!visible;
    applyVisibility();
  }

  function buildFilters() {
    var host = document.getElementById("kg-filters");
    data.legend.types.forEach(function (t) {
      typeVisible[t.type] = true;
      var group = el("div", "kg-type");
      var row = el("label", "kg-row kg-type-row");
      row.appendChild(checkbox("kg-filter-" + t.type, true, function (on) { setTypeVisible(t.type, on); }));
      row.appendChild(swatch(t.shape + (t.subtypes.length === 1 ? "" : " mixed"),
                             t.subtypes.length === 1 ? t.subtypes[0].color : null));
      row.appendChild(el("span", null, t.label));
      row.appendChild(el("span", "kg-count", t.count));
      group.appendChild(row);
      t.subtypes.forEach(function (s) {
        subtypeVisible[t.type + "/" + s.subtype] = true;
        var sub = el("label", "kg-row kg-sub");
        var box = checkbox("kg-filter-" + t.type + "-" + s.subtype, true,
                           function (on) { setSubtypeVisible(t.type, s.subtype, on); });
        box.setAttribute("data-kg-parent", t.type);
        sub.appendChild(box);
        sub.appendChild(swatch(t.shape, s.color));
        sub.appendChild(el("span", null, s.label));
        sub.appendChild(el("span", "kg-count", s.count));
        group.appendChild(sub);
      });
      host.appendChild(group);
    });
    var edgeHost = document.getElementById("kg-edge-legend");
    data.legend.edges.forEach(function (r) {
      relationVisible[r.relation] = true;
      var row = el("label", "kg-row");
      row.appendChild(checkbox("kg-filter-edge-" + r.relation, true,
                               function (on) { setRelationVisible(r.relation, on); }));
      var line = el("span", "kg-line" + (r.dashes ? " dashed" : ""));
      line.style.borderTopColor = r.color;
      row.appendChild(line);
      row.appendChild(el("span", null, r.label));
      row.appendChild(el("span", "kg-count", r.count));
      edgeHost.appendChild(row);
    });
  }

  function buildSliders() {
    var weight = document.getElementById("kg-min-weight");
    var weightOut = document.getElementById("kg-min-weight-value");
    var top = 1;
    data.edges.forEach(function (e) { top = Math.max(top, e.kg.weight || 1); });
    weight.max = String(Math.max(1, Math.ceil(top)));
    weight.addEventListener("input", function () {
      filters.minWeight = Number(weight.value);
      weightOut.textContent = weight.value;
      applyVisibility();
    });
    var npmi = document.getElementById("kg-min-npmi");
    var npmiOut = document.getElementById("kg-min-npmi-value");
    npmi.addEventListener("input", function () {
      filters.minNpmi = Number(npmi.value);
      npmiOut.textContent = Number(npmi.value).toFixed(2);
      applyVisibility();
    });
    var degree = document.getElementById("kg-min-degree");
    degree.addEventListener("input", function () {
      filters.minDegree = Math.max(0, Number(degree.value) || 0);
      applyVisibility();
    });
    var dates = document.getElementById("kg-dates");
    var from = document.getElementById("kg-date-from");
    var to = document.getElementById("kg-date-to");
    var fromOut = document.getElementById("kg-date-from-value");
    var toOut = document.getElementById("kg-date-to-value");
    if (periods.length < 2) { dates.hidden = true; return; }
    from.max = to.max = String(periods.length - 1);
    from.value = "0";
    to.value = String(periods.length - 1);
    fromOut.textContent = periods[0];
    toOut.textContent = periods[periods.length - 1];
    function onDates(changed) {
      var a = Number(from.value), b = Number(to.value);
      if (a > b) { if (changed === from) to.value = String(a); else from.value = String(b); }
      a = Number(from.value); b = Number(to.value);
      fromOut.textContent = periods[a];
      toOut.textContent = periods[b];
      filters.from = a === 0 ? null : periods[a];
      filters.to = b === periods.length - 1 ? null : periods[b];
      applyVisibility();
    }
    from.addEventListener("input", function () { onDates(from); });
    to.addEventListener("input", function () { onDates(to); });
  }

  // ------------------------------------------------------------------ size and colour

  var sizeBy = "mentions";
  var colourBy = "subtype";
  var originalNode = {};
  var originalEdge = {};
  data.nodes.forEach(function (n) { originalNode[n.id] = n.color; });
  data.edges.forEach(function (e) { originalEdge[e.id] = { color: e.color, font: e.font }; });
  var subtypeColour = {};
  data.nodes.forEach(function (n) { subtypeColour[n.id] = n.color; });

  function communityColour(c) {
    return (typeof c === "number" && c >= 0 && c < data.communityColours.length)
      ? data.communityColours[c] : data.communityOther;
  }

  function baseColour(n) {
    return colourBy === "community" ? nodeColour(communityColour(n.kg.community)) : subtypeColour[n.id];
  }

  function setColourBy(mode) {
    colourBy = mode === "community" ? "community" : "subtype";
    document.getElementById("kg-colour-by").value = colourBy;
    nodes.forEach(function (n) { originalNode[n.id] = baseColour(n); });
    if (highlighted !== null) highlight(highlighted);
    else nodes.update(nodes.getIds().map(function (id) { return { id: id, color: originalNode[id] }; }));
  }

  function setSizeBy(mode) {
    sizeBy = ["mentions", "degree", "betweenness"].indexOf(mode) >= 0 ? mode : "mentions";
    document.getElementById("kg-size-by").value = sizeBy;
    var top = 0;
    nodes.forEach(function (n) { top = Math.max(top, Number(n.kg[sizeBy]) || 0); });
    nodes.update(nodes.getIds().map(function (id) {
      var v = Number(nodes.get(id).kg[sizeBy]) || 0;
      return { id: id, size: top > 0 ? Math.round((10 + 26 * Math.sqrt(Math.max(v, 0) / top)) * 100) / 100 : 14 };
    }));
  }

  // The most important nodes keep a readable label at any zoom (vis-network skips labels
  // drawn smaller than a few pixels, which at the opening zoom of a large map is all of them).
  // As many as the map's width has room for (about one per 55 px): 8 on a phone, 25 at most.
  var topIds = data.nodes.filter(function (n) { return n.kgTop; }).map(function (n) { return n.id; })
    .slice(0, Math.max(5, Math.round((container.clientWidth || 800) / 55)));
  var lastScale = null;
  function updateLabelSizes() {
    var scale = network.getScale();
    if (!scale || scale === lastScale) return;
    lastScale = scale;
    var size = Math.max(NODE_FONT.size, Math.ceil(READABLE_PX / scale));
    nodes.update(topIds.map(function (id) {
      var n = nodes.get(id);
      return { id: id, font: Object.assign({}, n.font || NODE_FONT, { size: size }) };
    }));
  }

  // ------------------------------------------------------------------ neighbourhood highlight

  var highlighted = null;

  function withColor(font, color) {
    return Object.assign({}, font || NODE_FONT, { color: color });
  }

  function fontOf(id, color) {
    var n = nodes.get(id);
    var font = Object.assign({}, NODE_FONT, n && n.font && n.font.size ? { size: n.font.size } : {});
    return color ? withColor(font, color) : font;
  }

  function highlight(id) {
    highlighted = id;
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
    var keepEdges = {};
    network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
    nodes.update(nodes.getIds().map(function (n) {
      return keep[n] ? { id: n, color: originalNode[n], font: fontOf(n) }
                     : { id: n, color: DIM_NODE, font: fontOf(n, DIM_TEXT) };
    }));
    edges.update(edges.getIds().map(function (e) {
      var orig = originalEdge[e];
      var upd = { id: e, color: keepEdges[e] ? orig.color : DIM_EDGE };
      if (orig.font) upd.font = keepEdges[e] ? orig.font : withColor(orig.font, DIM_TEXT);
      return upd;
    }));
  }

  function clearHighlight() {
    if (highlighted === null) return;
    highlighted = null;
    nodes.update(nodes.getIds().map(function (n) {
      return { id: n, color: originalNode[n], font: fontOf(n) };
    }));
    edges.update(edges.getIds().map(function (e) {
      var upd = { id: e, color: originalEdge[e].color };
      if (originalEdge[e].font) upd.font = originalEdge[e].font;
      return upd;
    }));
  }

  // ------------------------------------------------------------------ adding entities left off the map

  function addNodeItem(item) {
    if (nodes.get(item.id)) return false;
    originalNode[item.id] = item.color;
    subtypeColour[item.id] = item.color;
    if (colourBy === "community") item.color = nodeColour(communityColour(item.kg.community));
    nodes.add(item);
    entities[item.id].onMap = true;
    return true;
  }

  // Put an off-map entity on the map with its neighbours (those the page knows) and their edges.
  function addToMap(id) {
    var row = extraRows[id];
    if (!row) return false;
    addNodeItem(extraNode(row));
    (extraEdgesOf[id] || []).forEach(function (i) {
      var r = data.extraEdges[i];
      var other = r[0] === id ? r[1] : r[0];
      if (!nodes.get(other) && extraRows[other]) addNodeItem(extraNode(extraRows[other]));
    });
    var added = [];
    nodes.getIds().forEach(function (nid) {
      (extraEdgesOf[nid] || []).forEach(function (i) {
        var r = data.extraEdges[i];
        if (!edges.get("x" + i) && nodes.get(r[0]) && nodes.get(r[1])) {
          var item = extraEdge(r, i);
          originalEdge[item.id] = { color: item.color, font: item.font };
          added.push(item);
        }
      });
    });
    var unique = {};
    added = added.filter(function (e) { if (unique[e.id]) return false; unique[e.id] = true; return true; });
    if (added.length) edges.add(added);
    setSizeBy(sizeBy);
    applyVisibility();
    return true;
  }

  // ------------------------------------------------------------------ hidden nodes (URL hash)

  function readHash() {
    hiddenIds = {};
    var m = /(?:^#|&)hide=([^&]*)/.exec(location.hash || "");
    if (m && m[1]) m[1].split(",").forEach(function (part) {
      try { var id = decodeURIComponent(part); if (id) hiddenIds[id] = true; } catch (e) { /* bad escape */ }
    });
  }

  function writeHash() {
    var ids = Object.keys(hiddenIds);
    var hash = ids.length ? "#hide=" + ids.map(encodeURIComponent).join(",") : "";
    if (history.replaceState) history.replaceState(null, "", hash || location.pathname + location.search);
    else location.hash = hash;
  }

  function setHidden(id, hide) {
    if (hide) hiddenIds[id] = true; else delete hiddenIds[id];
    writeHash();
    applyVisibility();
  }

  function renderHiddenList() {
    var host = document.getElementById("kg-hidden-list");
    clear(host);
    var ids = Object.keys(hiddenIds);
    if (!ids.length) return;
    host.appendChild(el("h2", null, "已隐藏 hidden (" + ids.length + ")"));
    ids.forEach(function (id) {
      var tag = el("span", "kg-tag", ((entities[id] || {}).name || id) + " ×");
      tag.title = "显示 show";
      tag.setAttribute("role", "button");
      tag.addEventListener("click", function () { setHidden(id, false); });
      host.appendChild(tag);
    });
  }

  // ------------------------------------------------------------------ details panel

  var panel = document.getElementById("kg-panel");
  var pinned = null; // {kind: "node"|"edge", id} shown when nothing is hovered

  function addField(dl, label, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && value.length === 0)) return;
    dl.appendChild(el("dt", null, label));
    var dd = el("dd");
    if (Array.isArray(value)) {
      value.forEach(function (v) { dd.appendChild(el("span", "kg-tag", v)); });
    } else {
      dd.textContent = String(value);
    }
    dl.appendChild(dd);
  }

  var SAFE_LINK = /^(https?|file):\/\//i;

  function addEvidence(lines) {
    if (!lines || !lines.length) return;
    panel.appendChild(el("h3", null, "证据 evidence"));
    var list = el("ol");
    lines.forEach(function (line) {
      var item = el("li");
      var m = /^\[([^\]]*)\]\s*([\s\S]*)$/.exec(line); // "[doc_id] sentence"
      if (m) {
        var doc = (data.documents || {})[m[1]];
        if (doc && doc[2] && SAFE_LINK.test(doc[2])) {
          var link = el("a", "kg-doc kg-doc-link", doc[0] || m[1]);
          link.href = doc[2];
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          link.title = m[1];
          item.appendChild(link);
        } else {
          item.appendChild(el("span", "kg-doc", doc && doc[0] ? doc[0] : m[1]));
        }
        if (doc && doc[1]) item.appendChild(el("span", "kg-muted", doc[1] + " "));
        item.appendChild(document.createTextNode(m[2]));
      } else {
        item.textContent = line;
      }
      list.appendChild(item);
    });
    panel.appendChild(list);
  }

  function showPlaceholder() {
    clear(panel);
    panel.appendChild(el("p", "kg-muted", "悬停或单击节点、边查看详情。 Hover or click a node or edge for details."));
  }

  function showNode(id) {
    var n = nodes.get(id);
    if (!n) return showPlaceholder();
    var k = n.kg;
    clear(panel);
    panel.appendChild(el("h2", null, k.name));
    var kind = el("p", "kg-kind kg-muted");
    kind.appendChild(swatch((typeLabels[n.kgType] || {}).shape || "dot", (originalNode[id] || {}).background));
    kind.appendChild(document.createTextNode(" " + [k.type, k.subtype].filter(Boolean).join(" / ")));
    panel.appendChild(kind);
    var hide = button("隐藏 hide", function () { setHidden(id, true); });
    hide.id = "kg-hide-node";
    panel.appendChild(hide);
    var dl = el("dl");
    addField(dl, "别名 aliases", k.aliases);
    addField(dl, "职务 titles", k.titles);
    addField(dl, "所属 affiliations", k.affiliations);
    addField(dl, "提及 mentions", format(k.mentions));
    addField(dl, "文档 documents", format(k.documents));
    addField(dl, "度 degree", format(k.degree));
    addField(dl, "加权度 weighted degree", format(k.weighted_degree));
    addField(dl, "度中心性 centrality", format(k.degree_centrality));
    addField(dl, "介数 betweenness", k.betweenness ? format(k.betweenness) : null);
    addField(dl, "社区 community", k.community);
    addField(dl, "首见 first seen", k.first_seen);
    addField(dl, "末见 last seen", k.last_seen);
    addField(dl, "ID", k.id);
    panel.appendChild(dl);
    addEvidence(k.evidence);
    addNeighbours(id);
  }

  // Every neighbour: those on the map (strongest first), then those the page knows off it.
  function addNeighbours(id) {
    var seen = {};
    var rows = network.getConnectedEdges(id).map(function (eid) {
      var e = edges.get(eid);
      return { other: e.from === id ? e.to : e.from, weight: e.kg.weight, relation: e.kgRelation, onMap: true };
    }).filter(function (r) {
      if (r.other === id || seen[r.other]) return false;
      seen[r.other] = true;
      return true;
    });
    (extraEdgesOf[id] || []).forEach(function (i) {
      var r = data.extraEdges[i];
      var other = r[0] === id ? r[1] : r[0];
      if (seen[other] || !entities[other]) return;
      seen[other] = true;
      rows.push({ other: other, weight: r[2], relation: r[3], onMap: !!nodes.get(other) });
    });
    var degree = nodes.get(id).kg.degree;
    if (!rows.length && !degree) return;
    rows.sort(function (a, b) { return (b.onMap - a.onMap) || (b.weight - a.weight); });
    var onMap = rows.filter(function (r) { return r.onMap; }).length;
    var head = "关联 neighbours (" + rows.length + ")";
    if (typeof degree === "number" && degree > rows.length) {
      head = "关联 neighbours (" + rows.length + " / " + degree + ")";
    }
    panel.appendChild(el("h3", null, head));
    if (typeof degree === "number" && degree > onMap) {
      panel.appendChild(el("p", "kg-muted", "图上 " + onMap + " 个，共 " + degree + " 个 (" + onMap + " on the map of " +
                                            degree + "; all are in entities.csv / edges.csv)"));
    }
    var list = el("ol", "kg-neighbours");
    rows.forEach(function (r) {
      var item = el("li");
      var link = el("a", null, entities[r.other].name);
      link.href = "#";
      link.addEventListener("click", function (ev) {
        ev.preventDefault();
        if (!nodes.get(r.other)) addToMap(r.other);
        focusNode(r.other);
      });
      item.appendChild(link);
      var rel = r.relation === "holds_position_at" ? " · 任职" : "";
      item.appendChild(el("span", "kg-muted", " ×" + format(r.weight) + rel + (r.onMap ? "" : " · 不在图上 off the map")));
      list.appendChild(item);
    });
    panel.appendChild(list);
  }

  function showEdge(id) {
    var e = edges.get(id);
    if (!e) return showPlaceholder();
    var k = e.kg;
    var arrow = e.kgRelation === "holds_position_at" ? " → " : " — ";
    clear(panel);
    panel.appendChild(el("h2", null, nodes.get(e.from).kg.name + arrow + nodes.get(e.to).kg.name));
    var rel = relationLabels[e.kgRelation];
    panel.appendChild(el("p", "kg-kind kg-muted", rel ? rel.label : k.relation));
    var dl = el("dl");
    addField(dl, "职务 title", k.title);
    addField(dl, "权重 weight", format(k.weight));
    addField(dl, "文档 documents", format(k.documents));
    addField(dl, "NPMI", format(k.npmi));
    addField(dl, "首见 first seen", k.first_seen);
    addField(dl, "末见 last seen", k.last_seen);
    panel.appendChild(dl);
    addEvidence(k.evidence);
  }

  function showPinned() {
    if (pinned && pinned.kind === "node" && nodes.get(pinned.id)) showNode(pinned.id);
    else if (pinned && pinned.kind === "edge" && edges.get(pinned.id)) showEdge(pinned.id);
    else showPlaceholder();
  }

  function unpin() {
    pinned = null;
    clearHighlight();
    network.unselectAll();
    showPinned();
  }

  // ------------------------------------------------------------------ search (every entity)

  var searchIndex = entityList.map(function (e) {
    return { id: e.id, name: e.name.toLowerCase(),
             aliases: e.aliases.map(function (a) { return a.toLowerCase(); }), weight: Number(e.mentions) || 0 };
  });
  var status = document.getElementById("kg-search-status");
  var lastQuery = null;
  var lastIndex = 0;

  // Best first: exact name, exact alias, name prefix, name substring, alias substring.
  function matches(q) {
    var found = [];
    for (var i = 0; i < searchIndex.length; i++) {
      var entry = searchIndex[i];
      var rank = entry.name === q ? 0
        : entry.aliases.indexOf(q) >= 0 ? 1
        : entry.name.indexOf(q) === 0 ? 2
        : entry.name.indexOf(q) >= 0 ? 3
        : entry.aliases.some(function (a) { return a.indexOf(q) >= 0; }) ? 4 : -1;
      if (rank >= 0) found.push({ id: entry.id, rank: rank, weight: entry.weight });
    }
    found.sort(function (a, b) { return a.rank - b.rank || b.weight - a.weight; });
    return found.map(function (f) { return f.id; });
  }

  function openPanel() {
    if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) setFolded("panel", true);
  }

  function focusNode(id) {
    pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    openPanel();
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 300 } });
  }

  function say(text, actionText, action) {
    clear(status);
    status.appendChild(document.createTextNode(text));
    if (actionText) {
      var b = button(actionText, action);
      b.id = "kg-search-action";
      status.appendChild(b);
    }
  }

  // Select the best visible node whose name or alias contains q; repeating the same query
  // steps through the matches. Entities off the map or hidden are reported, with a button
  // that brings them in. Returns the focused node id, or null.
  function search(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q) { say(""); return null; }
    var all = matches(q);
    var visible = all.filter(function (id) { var n = nodes.get(id); return n && !n.hidden; });
    if (!visible.length) {
      lastQuery = null;
      if (!all.length) { say("未找到 (no match)"); return null; }
      var best = all[0];
      var name = entities[best].name;
      if (!nodes.get(best)) {
        say(name + "：不在图上 (not on the map; " + all.length + " match" + (all.length > 1 ? "es" : "") + ") ",
            "添加到图 add with neighbours", function () { addToMap(best); search(q); });
      } else if (hiddenIds[best]) {
        say(name + "：已隐藏 (hidden by you) ", "显示 show", function () { setHidden(best, false); search(q); });
      } else {
        say("匹配的节点已被筛选隐藏 (matches are hidden by filters)");
      }
      return null;
    }
    lastIndex = q === lastQuery ? (lastIndex + 1) % visible.length : 0;
    lastQuery = q;
    var id = visible[lastIndex];
    focusNode(id);
    var off = all.length - visible.length;
    say((lastIndex + 1) + " / " + visible.length + ": " + nodes.get(id).kg.name +
        (off ? " (+" + off + " 不在图上或隐藏 off the map or hidden)" : ""));
    return id;
  }

  function buildSearch() {
    var input = document.getElementById("kg-search");
    var names = document.getElementById("kg-names");
    var seen = {};
    entityList.slice(0, 5000).forEach(function (e) { // suggestions: the first (most important) ones
      if (seen[e.name]) return;
      seen[e.name] = true;
      var option = el("option");
      option.value = e.name;
      names.appendChild(option);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); search(input.value); }
    });
    input.addEventListener("input", function (ev) {
      // Picking a datalist suggestion arrives as an input event without a typed character.
      if (!ev.inputType || ev.inputType === "insertReplacementText") search(input.value);
    });
  }

  // ------------------------------------------------------------------ entity table

  var tableSort = { key: "mentions", dir: -1 };
  var tableBody = document.getElementById("kg-table-body");
  var tableFilter = document.getElementById("kg-table-filter");

  function renderTable() {
    var q = tableFilter.value.trim().toLowerCase();
    var rows = entityList.filter(function (e) {
      return !q || e.name.toLowerCase().indexOf(q) >= 0 ||
        e.aliases.some(function (a) { return a.toLowerCase().indexOf(q) >= 0; });
    });
    var key = tableSort.key, dir = tableSort.dir;
    var value = function (e) { return key === "first_seen" ? e.first : key === "last_seen" ? e.last : e[key]; };
    rows.sort(function (a, b) {
      var x = value(a), y = value(b);
      if (typeof x === "number" || typeof y === "number") { x = Number(x) || 0; y = Number(y) || 0; }
      else { x = String(x || ""); y = String(y || ""); }
      return (x < y ? -1 : x > y ? 1 : 0) * dir || (a.name < b.name ? -1 : 1);
    });
    clear(tableBody);
    rows.slice(0, TABLE_ROWS).forEach(function (e) {
      var tr = el("tr");
      tr.setAttribute("data-id", e.id);
      [e.name + (e.onMap ? "" : " ·"), e.type + "/" + e.subtype, format(e.mentions), format(e.degree), e.first, e.last]
        .forEach(function (v) { tr.appendChild(el("td", null, v === null || v === undefined ? "" : v)); });
      tr.addEventListener("click", function () {
        if (!nodes.get(e.id)) addToMap(e.id);
        if (hiddenIds[e.id]) setHidden(e.id, false);
        closeTable();
        focusNode(e.id);
      });
      tableBody.appendChild(tr);
    });
    document.getElementById("kg-table-count").textContent =
      (rows.length > TABLE_ROWS ? TABLE_ROWS + " / " : "") + rows.length + " 个实体 entities (· = 不在图上 off the map)";
    document.querySelectorAll("#kg-table th").forEach(function (th) {
      var k = th.getAttribute("data-key");
      if (k === key) th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function openTable() { document.getElementById("kg-table").hidden = false; renderTable(); tableFilter.focus(); }
  function closeTable() { document.getElementById("kg-table").hidden = true; }

  function buildTable() {
    document.getElementById("kg-table-open").addEventListener("click", openTable);
    document.getElementById("kg-table-close").addEventListener("click", closeTable);
    tableFilter.addEventListener("input", renderTable);
    document.querySelectorAll("#kg-table th").forEach(function (th) {
      th.addEventListener("click", function () {
        var k = th.getAttribute("data-key");
        if (tableSort.key === k) tableSort.dir = -tableSort.dir;
        else tableSort = { key: k, dir: (k === "name" || k === "type" || k === "first_seen") ? 1 : -1 };
        renderTable();
      });
    });
    document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") closeTable(); });
  }

  // ------------------------------------------------------------------ PNG of the view

  function viewPng() {
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

  function downloadPng() {
    var link = el("a");
    link.href = viewPng();
    link.download = "kg-map.png";
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
  }

  // ------------------------------------------------------------------ narrow screens: panels fold away

  function setFolded(which, open) {
    var cls = which === "sidebar" ? "kg-sidebar-open" : "kg-panel-open";
    var other = which === "sidebar" ? "kg-panel-open" : "kg-sidebar-open";
    if (open === undefined) open = !app.classList.contains(cls);
    app.classList.toggle(cls, open);
    if (open) app.classList.remove(other); // one drawer at a time: the map stays in view
    document.getElementById("kg-toggle-sidebar").setAttribute("aria-expanded", String(app.classList.contains("kg-sidebar-open")));
    document.getElementById("kg-toggle-panel").setAttribute("aria-expanded", String(app.classList.contains("kg-panel-open")));
  }

  // ------------------------------------------------------------------ wiring

  network.on("click", function (params) {
    if (params.nodes.length) {
      pinned = { kind: "node", id: params.nodes[0] };
      highlight(params.nodes[0]);
      openPanel();
    } else if (params.edges.length) {
      pinned = { kind: "edge", id: params.edges[0] };
      clearHighlight();
    } else {
      pinned = null;
      clearHighlight();
    }
    showPinned();
  });
  network.on("hoverNode", function (params) { showNode(params.node); });
  network.on("hoverEdge", function (params) { showEdge(params.edge); });
  network.on("blurNode", showPinned);
  network.on("blurEdge", showPinned);
  network.on("zoom", updateLabelSizes);

  document.getElementById("kg-size-by").addEventListener("change", function (ev) { setSizeBy(ev.target.value); });
  document.getElementById("kg-colour-by").addEventListener("change", function (ev) { setColourBy(ev.target.value); });
  document.getElementById("kg-png").addEventListener("click", downloadPng);
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); updateLabelSizes(); });
  document.getElementById("kg-toggle-sidebar").addEventListener("click", function () { setFolded("sidebar"); });
  document.getElementById("kg-toggle-panel").addEventListener("click", function () { setFolded("panel"); });
  window.addEventListener("hashchange", function () { readHash(); applyVisibility(); });

  buildFilters();
  buildSliders();
  buildSearch();
  buildTable();
  readHash();
  applyVisibility();

  var progress = document.getElementById("kg-progress");
  network.fit({ animation: false });
  updateLabelSizes();
  network.once("afterDrawing", function () {
    api.readyAt = performance.now(); // ms since navigation started (bench/map.py)
    api.ready = true;
    if (data.nodes.length) progress.hidden = true;
  });

  // Small API for tests and the browser console.
  var api = {
    network: network,
    nodes: nodes,
    edges: edges,
    data: data,
    entities: entities,
    ready: false,
    search: search,
    focusNode: focusNode,
    highlight: highlight,
    clearHighlight: clearHighlight,
    addToMap: addToMap,
    setHidden: setHidden,
    setSizeBy: setSizeBy,
    setColourBy: setColourBy,
    setTypeVisible: setTypeVisible,
    setSubtypeVisible: setSubtypeVisible,
    setRelationVisible: setRelationVisible,
    viewPng: viewPng,
    topIds: topIds
  };
  window.kg = api;
  if (!data.nodes.length) {
    progress.textContent = "图为空 (empty graph)";
    progress.hidden = false;
    api.ready = true;
  }
})();
