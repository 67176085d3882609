// kg interactive map. Data comes from the JSON block written by kg/render.py.
// Rule: every string that came from the input graph enters the DOM through textContent
// (see el()) and never through innerHTML, so names stay text whatever they contain.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
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

  // ------------------------------------------------------------------ filters

  var typeVisible = {};
  var subtypeVisible = {};
  var relationVisible = {};

  function nodeShouldHide(n) {
    return typeVisible[n.kgType] === false || subtypeVisible[n.kgType + "/" + n.kgSubtype] === false;
  }

  function applyVisibility() {
    var changes = [];
    nodes.forEach(function (n) {
      var hide = nodeShouldHide(n);
      if (!!n.hidden !== hide) changes.push({ id: n.id, hidden: hide });
    });
    if (changes.length) nodes.update(changes);
    var edgeChanges = [];
    edges.forEach(function (e) {
      var hide = relationVisible[e.kgRelation] === false;
      if (!!e.hidden !== hide) edgeChanges.push({ id: e.id, hidden: hide });
    });
    if (edgeChanges.length) edges.update(edgeChanges);
    if (highlighted !== null && nodes.get(highlighted).hidden) unpin();
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

  // ------------------------------------------------------------------ neighbourhood highlight

  var highlighted = null;
  var originalNode = {};
  var originalEdge = {};
  data.nodes.forEach(function (n) { originalNode[n.id] = n.color; });
  data.edges.forEach(function (e) { originalEdge[e.id] = { color: e.color, font: e.font }; });

  function withColor(font, color) {
    return Object.assign({}, font || NODE_FONT, { color: color });
  }

  function highlight(id) {
    highlighted = id;
    var keep = {};
    keep[id] = true;
    network.getConnectedNodes(id).forEach(function (n) { keep[n] = true; });
    var keepEdges = {};
    network.getConnectedEdges(id).forEach(function (e) { keepEdges[e] = true; });
    nodes.update(nodes.getIds().map(function (n) {
      return keep[n] ? { id: n, color: originalNode[n], font: NODE_FONT }
                     : { id: n, color: DIM_NODE, font: withColor(NODE_FONT, DIM_TEXT) };
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
      return { id: n, color: originalNode[n], font: NODE_FONT };
    }));
    edges.update(edges.getIds().map(function (e) {
      var upd = { id: e, color: originalEdge[e].color };
      if (originalEdge[e].font) upd.font = originalEdge[e].font;
      return upd;
    }));
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

  function addEvidence(lines) {
    if (!lines || !lines.length) return;
    panel.appendChild(el("h3", null, "证据 evidence"));
    var list = el("ol");
    lines.forEach(function (line) {
      var item = el("li");
      var m = /^\[([^\]]*)\]\s*([\s\S]*)$/.exec(line); // "[doc_id] sentence"
      if (m) {
        item.appendChild(el("span", "kg-doc", m[1]));
        item.appendChild(document.createTextNode(m[2]));
      } else {
        item.textContent = line;
      }
      list.appendChild(item);
    });
    panel.appendChild(list);
  }

  function format(x) {
    if (typeof x !== "number") return x;
    return Number.isInteger(x) ? x.toLocaleString("en-US") : x.toFixed(3);
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
    var dl = el("dl");
    addField(dl, "别名 aliases", k.aliases);
    addField(dl, "职务 titles", k.titles);
    addField(dl, "所属 affiliations", k.affiliations);
    addField(dl, "提及 mentions", format(k.mentions));
    addField(dl, "文档 documents", format(k.documents));
    addField(dl, "加权度 weighted degree", format(k.weighted_degree));
    addField(dl, "度中心性 centrality", format(k.degree_centrality));
    addField(dl, "社区 community", k.community);
    addField(dl, "ID", k.id);
    panel.appendChild(dl);
    addEvidence(k.evidence);
    addNeighbours(id);
  }

  function addNeighbours(id) {
    var rows = network.getConnectedEdges(id).map(function (eid) {
      var e = edges.get(eid);
      return { other: e.from === id ? e.to : e.from, weight: e.kg.weight, relation: e.kgRelation };
    }).filter(function (r) { return r.other !== id; });
    if (!rows.length) return;
    rows.sort(function (a, b) { return b.weight - a.weight; });
    panel.appendChild(el("h3", null, "关联 neighbours (" + rows.length + ")"));
    var list = el("ol");
    rows.slice(0, 15).forEach(function (r) {
      var item = el("li");
      var link = el("a", null, nodes.get(r.other).kg.name);
      link.href = "#";
      link.addEventListener("click", function (ev) { ev.preventDefault(); focusNode(r.other); });
      item.appendChild(link);
      var rel = r.relation === "holds_position_at" ? " · 任职" : "";
      item.appendChild(el("span", "kg-muted", " ×" + format(r.weight) + rel));
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
    panel.appendChild(dl);
    addEvidence(k.evidence);
  }

  function showPinned() {
    if (pinned && pinned.kind === "node") showNode(pinned.id);
    else if (pinned && pinned.kind === "edge") showEdge(pinned.id);
    else showPlaceholder();
  }

  function unpin() {
    pinned = null;
    clearHighlight();
    network.unselectAll();
    showPinned();
  }

  // ------------------------------------------------------------------ search

  var searchIndex = data.nodes.map(function (n) {
    return {
      id: n.id,
      name: n.kg.name.toLowerCase(),
      aliases: n.kg.aliases.map(function (a) { return a.toLowerCase(); }),
      size: n.size || 0
    };
  });
  var status = document.getElementById("kg-search-status");
  var lastQuery = null;
  var lastIndex = 0;

  // Best first: exact name, exact alias, name prefix, name substring, alias substring.
  function matches(q) {
    var found = [];
    searchIndex.forEach(function (entry) {
      var rank = entry.name === q ? 0
        : entry.aliases.indexOf(q) >= 0 ? 1
        : entry.name.indexOf(q) === 0 ? 2
        : entry.name.indexOf(q) >= 0 ? 3
        : entry.aliases.some(function (a) { return a.indexOf(q) >= 0; }) ? 4 : -1;
      if (rank >= 0) found.push({ id: entry.id, rank: rank, size: entry.size });
    });
    found.sort(function (a, b) { return a.rank - b.rank || b.size - a.size; });
    return found.map(function (f) { return f.id; });
  }

  function focusNode(id) {
    pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: { duration: 400 } });
  }

  // Select the best visible node whose name or alias contains q; repeating the same query
  // steps through the matches. Returns the node id, or null.
  function search(q) {
    q = String(q || "").trim().toLowerCase();
    if (!q) { status.textContent = ""; return null; }
    var all = matches(q);
    var visible = all.filter(function (id) { return !nodes.get(id).hidden; });
    if (!visible.length) {
      status.textContent = all.length ? "匹配的节点已被筛选隐藏 (matches are hidden by filters)"
                                      : "未找到 (no match)";
      lastQuery = null;
      return null;
    }
    lastIndex = q === lastQuery ? (lastIndex + 1) % visible.length : 0;
    lastQuery = q;
    var id = visible[lastIndex];
    focusNode(id);
    status.textContent = (lastIndex + 1) + " / " + visible.length + ": " + nodes.get(id).kg.name;
    return id;
  }

  function buildSearch() {
    var input = document.getElementById("kg-search");
    var names = document.getElementById("kg-names");
    var seen = {};
    data.nodes.forEach(function (n) {
      if (seen[n.kg.name]) return;
      seen[n.kg.name] = true;
      var option = el("option");
      option.value = n.kg.name;
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

  // ------------------------------------------------------------------ wiring

  network.on("click", function (params) {
    if (params.nodes.length) {
      pinned = { kind: "node", id: params.nodes[0] };
      highlight(params.nodes[0]);
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

  var progress = document.getElementById("kg-progress");
  function ready() {
    api.ready = true;
    if (data.nodes.length) progress.hidden = true;
  }
  network.on("stabilizationProgress", function (p) {
    progress.textContent = "布局计算中… " + Math.round((100 * p.iterations) / p.total) + "% (laying out)";
  });
  // Lay out once, then freeze: a map that keeps drifting is hard to read and burns CPU.
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({ physics: false });
    network.fit();
    ready();
  });

  buildFilters();
  buildSearch();

  // Small API for tests and the browser console.
  var api = {
    network: network,
    nodes: nodes,
    edges: edges,
    data: data,
    ready: false,
    search: search,
    focusNode: focusNode,
    highlight: highlight,
    clearHighlight: clearHighlight,
    setTypeVisible: setTypeVisible,
    setSubtypeVisible: setSubtypeVisible,
    setRelationVisible: setRelationVisible
  };
  window.kg = api;
  if (!data.nodes.length) {
    progress.textContent = "图为空 (empty graph)";
    progress.hidden = false;
    api.ready = true;
  }
})();
