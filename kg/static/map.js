// kg interactive map, part 5 of 5 (after map-util.js, map-panel.js, map-search.js, map-table.js). Data
// comes from the JSON block written by kg/render.py.
// Rule: every string that came from the input graph enters the DOM through textContent
// (see el()) and never through innerHTML, so names stay text whatever they contain.
// Nodes arrive with their positions (kg/layout.py): physics stays off, the page opens laid out.
(function () {
  "use strict";

  var u = window.kgUtil, el = u.el, clear = u.clear, swatch = u.swatch, button = u.button;
  var darker = u.darker, nodeColour = u.nodeColour;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var app = document.getElementById("kg-app");
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var NODE_FONT = data.options.nodes.font;
  var VEIL = "rgba(255,255,255,0.78)"; // over what is not the highlighted neighbourhood
  var READABLE_PX = 12; // on-screen size of the most important nodes' labels at any zoom

  var typeLabels = {};
  data.legend.types.forEach(function (t) { typeLabels[t.type] = t; });
  var relationLabels = {};
  data.legend.edges.forEach(function (r) { relationLabels[r.relation] = r; });

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

  // A vis item for an entity left off the map (see kg/render.py `_extra_nodes`).
  function extraNode(r) {
    var name = r[1];
    return {
      id: r[0], label: name.length <= 16 ? name : name.slice(0, 15) + "…", shape: data.shapes[r[2]] || "diamond",
      size: r[13], x: r[10], y: r[11], color: nodeColour(colourFor(r[2], r[3])), kgType: r[2], kgSubtype: r[3],
      kgAdded: true,
      kg: { id: r[0], name: name, type: r[2], subtype: r[3], aliases: r[4] ? r[4].split("|") : [], titles: [],
            affiliations: [], mentions: r[5], documents: r[6], community: r[12], degree_centrality: null,
            weighted_degree: null, evidence: [], first_seen: r[8], last_seen: r[9], degree: r[7], betweenness: 0,
            province: r[14] || "", city: r[15] || "" }
    };
  }

  // An edge of an entity off the map: coloured by its main kind (an event type, when it has one).
  function extraEdge(r, i) {
    var position = r[3] === "holds_position_at";
    var kinds = r[9] || [r[3]];
    var styles = data.edgeStyles || {};
    var main = kinds.filter(function (k) { return styles[k] && styles[k].event; })[0] || r[3];
    var style = styles[main] || { color: "#9aa5b1" };
    var strong = position || main !== r[3] || !!style.event;
    var item = {
      id: "x" + i, from: r[0], to: r[1], dashes: position ? [8, 9] : false, width: 1.5, kgRelation: r[3], kgKinds: kinds,
      color: { color: style.color, highlight: "#555555", hover: "#555555", opacity: strong ? 0.9 : 0.55 },
      kg: { relation: r[3], weight: r[2], title: r[4], npmi: r[5], documents: r[6], evidence: [],
            first_seen: r[7], last_seen: r[8], events: [], event_type: style.event ? main : "" }
    };
    var arrows = position ? "to" : (r[10] || "");
    if (arrows) {
      item.arrows = {};
      arrows.split(",").forEach(function (side) { item.arrows[side] = { enabled: true, scaleFactor: 0.5 }; });
    }
    return item;
  }

  // ------------------------------------------------------------------ filters

  var typeVisible = {};
  var subtypeVisible = {};
  var relationVisible = {};
  var filters = { minWeight: 1, minNpmi: -1, minDegree: 0, from: null, to: null, place: null, placeLinked: true };
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

  // An edge's kinds: co_occurs, holds_position_at and each of its event types (kg/render.py
  // kgKinds); it is shown while any of them is.
  function kindsOf(e) { return e.kgKinds || [e.kgRelation]; }

  function edgeOk(e) {
    var k = e.kg;
    if (!kindsOf(e).some(function (kind) { return relationVisible[kind] !== false; })) return false;
    if (filters.minWeight > 1 && (k.weight || 0) < filters.minWeight) return false; // weightless kinds stay at 1
    // NPMI measures co-occurrence: stated relations (positions, typed events) are not held to it
    if (e.kgRelation !== "holds_position_at" && !k.event_type && k.npmi !== null && k.npmi !== undefined &&
        k.npmi < filters.minNpmi) return false;
    return overlapsDates(k.first_seen, k.last_seen);
  }

  // The province/city filter: {level: "province"|"city", name}. A place is in it when its
  // province (or city) is that name, itself included; with placeLinked, so is every node an
  // edge left by the other filters links to such a place.
  function inPlace(n) {
    return !!filters.place && (n.kg[filters.place.level] || "") === filters.place.name;
  }

  function applyVisibility() {
    var visible = {};
    nodes.forEach(function (n) { visible[n.id] = nodeBaseVisible(n); });
    var candidates = edges.get({ filter: edgeOk });
    if (filters.place) {
      var keep = {};
      nodes.forEach(function (n) { if (visible[n.id] && inPlace(n)) keep[n.id] = true; });
      if (filters.placeLinked) {
        var places = Object.assign({}, keep);
        candidates.forEach(function (e) {
          if (places[e.from]) keep[e.to] = true;
          if (places[e.to]) keep[e.from] = true;
        });
      }
      nodes.forEach(function (n) { if (!keep[n.id]) visible[n.id] = false; });
    }
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

  function setRelationVisible(relation, visible, later) {
    relationVisible[relation] = !!visible;
    var box = document.getElementById("kg-filter-edge-" + relation);
    if (box) box.checked = !!visible;
    if (!later) applyVisibility();
  }

  // Show only the edges of these kinds (every kind of the legend when `kinds` is null).
  function showRelations(kinds) {
    data.legend.edges.forEach(function (r) {
      setRelationVisible(r.relation, kinds === null || kinds.indexOf(r.relation) >= 0, true);
    });
    applyVisibility();
  }

  // place: "province:辽宁省", "city:沈阳市", or "" / null for every node; linked: whether the
  // nodes linked to those places stay too (unchanged when not given).
  function setPlace(place, linked) {
    var m = /^(province|city):(.+)$/.exec(place || "");
    filters.place = m ? { level: m[1], name: m[2] } : null;
    if (linked !== undefined) filters.placeLinked = !!linked;
    var select = document.getElementById("kg-place");
    if (select) select.value = m ? place : "";
    var box = document.getElementById("kg-place-linked");
    if (box) box.checked = filters.placeLinked;
    applyVisibility();
  }

  function buildPlaces() {
    var host = document.getElementById("kg-places");
    var select = document.getElementById("kg-place");
    var places = data.places || { provinces: [], cities: [] };
    if (!places.provinces.length && !places.cities.length) { host.hidden = true; return; }
    [["province", "省 province", places.provinces], ["city", "市 city", places.cities]].forEach(function (g) {
      if (!g[2].length) return;
      var group = el("optgroup");
      group.label = g[1];
      g[2].forEach(function (p) {
        var option = el("option", null, p.name + (p.province && p.province !== p.name ? " · " + p.province : "") +
                        " (" + p.count + ")");
        option.value = g[0] + ":" + p.name;
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    select.addEventListener("change", function () { setPlace(select.value); });
    var box = document.getElementById("kg-place-linked");
    box.checked = filters.placeLinked;
    box.addEventListener("change", function () { setPlace(select.value, box.checked); });
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
      row.appendChild(el("span", null, r.label + (r.directed ? " →" : "")));
      row.appendChild(el("span", "kg-count", r.count));
      edgeHost.appendChild(row);
    });
    var typed = data.legend.edges.filter(function (r) { return r.event; }).map(function (r) { return r.relation; });
    if (typed.length) {
      var buttons = el("div", "kg-buttons");
      var only = button("仅事件 typed only", function () { showRelations(typed); });
      only.id = "kg-edges-typed";
      var all = button("全部 all", function () { showRelations(null); });
      all.id = "kg-edges-all";
      buttons.appendChild(only);
      buttons.appendChild(all);
      edgeHost.appendChild(buttons);
    }
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
  data.nodes.forEach(function (n) { originalNode[n.id] = n.color; });
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
    nodes.update(nodes.getIds().map(function (id) { return { id: id, color: originalNode[id] }; }));
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

  // The neighbourhood is drawn again over a white veil after each frame: no colour of any
  // item changes, so highlighting costs the same on 20,000 edges as on 20 (DataSet updates
  // of every item took seconds there).
  var highlighted = null;
  var focusSet = null; // {nodes: [...], edges: [...]} drawn over the veil

  // On the next animation frame, not now: a frame of 20,000 edges takes a while, and the
  // search answer and the panel should not wait for it.
  function requestRedraw() { network.body.emitter.emit("_requestRedraw"); }

  function highlight(id) {
    highlighted = id;
    focusSet = { nodes: [id].concat(network.getConnectedNodes(id)), edges: network.getConnectedEdges(id) };
    requestRedraw();
  }

  function clearHighlight() {
    if (highlighted === null) return;
    highlighted = null;
    focusSet = null;
    requestRedraw();
  }

  network.on("afterDrawing", function (ctx) {
    if (!focusSet) return;
    var body = network.body;
    var tl = network.DOMtoCanvas({ x: 0, y: 0 });
    var br = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    ctx.save();
    ctx.fillStyle = VEIL;
    ctx.fillRect(tl.x, tl.y, br.x - tl.x, br.y - tl.y);
    focusSet.edges.forEach(function (eid) {
      var e = body.edges[eid];
      if (e && !e.options.hidden && body.nodes[e.fromId] && body.nodes[e.toId]) e.draw(ctx);
    });
    focusSet.nodes.forEach(function (nid) {
      var n = body.nodes[nid];
      if (n && !n.options.hidden) n.draw(ctx);
    });
    ctx.restore();
  });

  function isDimmed(id) { return focusSet !== null && focusSet.nodes.indexOf(id) < 0; }

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
    // inside a sandboxed srcdoc iframe (the notebook view) the page has no URL of its own and
    // replaceState throws: hiding still works, it just is not kept in the address
    try {
      if (history.replaceState) history.replaceState(null, "", hash || location.pathname + location.search);
      else location.hash = hash;
    } catch (e) { /* no address to keep it in */ }
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

  // ------------------------------------------------------------------ details panel (map-panel.js)

  var pinned = null; // {kind: "node"|"edge", id} shown when nothing is hovered
  var details = window.kgPanel({
    data: data, nodes: nodes, edges: edges, network: network, entities: entities, extraEdgesOf: extraEdgesOf,
    typeLabels: typeLabels, relationLabels: relationLabels, originalNode: originalNode,
    setHidden: setHidden, addToMap: addToMap, focusNode: focusNode
  });
  var showNode = details.showNode, showEdge = details.showEdge, showPlaceholder = details.showPlaceholder;

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

  // ------------------------------------------------------------------ focus

  function openPanel() {
    if (window.matchMedia && window.matchMedia("(max-width: 760px)").matches) setFolded("panel", true);
  }

  function focusNode(id) {
    pinned = { kind: "node", id: id };
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    openPanel();
    // next frame: starting the animation draws a whole frame at once (slow on 20,000 edges),
    // which the panel and the search answer need not wait for
    var scale = Math.max(network.getScale(), 1.0);
    requestAnimationFrame(function () { network.focus(id, { scale: scale, animation: { duration: 300 } }); });
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
  document.getElementById("kg-png").addEventListener("click", function () { u.downloadPng(container); });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); updateLabelSizes(); });
  document.getElementById("kg-toggle-sidebar").addEventListener("click", function () { setFolded("sidebar"); });
  document.getElementById("kg-toggle-panel").addEventListener("click", function () { setFolded("panel"); });
  window.addEventListener("hashchange", function () { readHash(); applyVisibility(); });

  buildFilters();
  buildSliders();
  buildPlaces();
  var finder = window.kgSearch({
    entityList: entityList, nodes: nodes, entities: entities, addToMap: addToMap, setHidden: setHidden,
    focusNode: focusNode, isHidden: function (id) { return !!hiddenIds[id]; }, leftOut: data.extraLeftOut
  });
  var search = finder.search;
  finder.build();
  var table = window.kgTable({
    entityList: entityList, nodes: nodes, addToMap: addToMap, setHidden: setHidden, focusNode: focusNode,
    isHidden: function (id) { return !!hiddenIds[id]; }
  });
  var closeTable = table.close;
  table.build();
  readHash();
  applyVisibility();

  var progress = document.getElementById("kg-progress");
  network.fit({ animation: false });
  // a small map would be blown up past its natural size: no zooming in beyond 1
  if (network.getScale() > 1) network.moveTo({ scale: 1, animation: false });
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
    isDimmed: isDimmed,
    clearHighlight: clearHighlight,
    addToMap: addToMap,
    setHidden: setHidden,
    setSizeBy: setSizeBy,
    setColourBy: setColourBy,
    setTypeVisible: setTypeVisible,
    setSubtypeVisible: setSubtypeVisible,
    setRelationVisible: function (relation, visible) { setRelationVisible(relation, visible); },
    showRelations: showRelations,
    setPlace: setPlace,
    viewPng: function () { return u.viewPng(container); },
    topIds: topIds
  };
  window.kg = api;
  if (!data.nodes.length) {
    progress.textContent = "图为空 (empty graph)";
    progress.hidden = false;
    api.ready = true;
  }
})();
