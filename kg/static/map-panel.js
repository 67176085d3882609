// kg map, part 2 of 5: the details panel of a node or an edge (evidence linked to its
// article, every neighbour). map.js gives it the page's state as `ctx`.
(function () {
  "use strict";
  var u = window.kgUtil, el = u.el, clear = u.clear, swatch = u.swatch, button = u.button, format = u.format;

  window.kgPanel = function (ctx) {
    var data = ctx.data, nodes = ctx.nodes, edges = ctx.edges, network = ctx.network, entities = ctx.entities;
    var extraEdgesOf = ctx.extraEdgesOf, typeLabels = ctx.typeLabels, relationLabels = ctx.relationLabels;
    var originalNode = ctx.originalNode;
    var panel = document.getElementById("kg-panel");
    function setHidden(id, hide) { ctx.setHidden(id, hide); }
    function addToMap(id) { return ctx.addToMap(id); }
    function focusNode(id) { ctx.focusNode(id); }

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

    // A document named by id: a link to its article (url or file) with its title, else its title or id.
    function docRef(id) {
      var doc = (data.documents || {})[id];
      if (doc && doc[2] && SAFE_LINK.test(doc[2])) {
        var link = el("a", "kg-doc kg-doc-link", doc[0] || id);
        link.href = doc[2];
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        link.title = id;
        return link;
      }
      return el("span", "kg-doc", doc && doc[0] ? doc[0] : id);
    }

    function addEvidence(lines) {
      if (!lines || !lines.length) return;
      panel.appendChild(el("h3", null, "证据 evidence"));
      var list = el("ol");
      lines.forEach(function (line) {
        var item = el("li");
        var m = /^\[([^\]]*)\]\s*([\s\S]*)$/.exec(line); // "[doc_id] sentence"
        if (m) {
          var doc = (data.documents || {})[m[1]];
          item.appendChild(docRef(m[1]));
          if (doc && doc[1]) item.appendChild(el("span", "kg-muted", doc[1] + " "));
          item.appendChild(document.createTextNode(m[2]));
        } else {
          item.textContent = line;
        }
        list.appendChild(item);
      });
      panel.appendChild(list);
    }

    // The sentence as text with its trigger word in a <mark>. trigger_start counts code points
    // (Python's offsets), so the sentence is cut by code points, not UTF-16 units; a start that
    // does not point at the trigger falls back to the trigger's first occurrence, else no mark.
    function markedSentence(sentence, trigger, start) {
      var out = el("span", "kg-sentence");
      var chars = Array.from(String(sentence || ""));
      var word = Array.from(String(trigger || ""));
      var at = typeof start === "number" && start >= 0 && word.length &&
        chars.slice(start, start + word.length).join("") === word.join("") ? start : -1;
      if (at < 0 && word.length) {
        var i = chars.join("").indexOf(word.join(""));
        if (i >= 0) at = Array.from(chars.join("").slice(0, i)).length;
      }
      if (at < 0) {
        out.textContent = chars.join("");
        return out;
      }
      out.appendChild(document.createTextNode(chars.slice(0, at).join("")));
      out.appendChild(el("mark", null, word.join("")));
      out.appendChild(document.createTextNode(chars.slice(at + word.length).join("")));
      return out;
    }

    var MODALITY = { planned: "计划 planned", negated: "否定 negated" };

    // An edge's typed relations (kg/events.py): type, modality unless done, date, article, and
    // the sentence with the trigger marked; head -> tail for the directed types.
    function addEvents(e) {
      var events = e.kg.events || [];
      if (!events.length) return;
      var from = nodes.get(e.from).kg.name, to = nodes.get(e.to).kg.name;
      panel.appendChild(el("h3", null, "事件 events (" + events.length + ")"));
      var list = el("ol", "kg-events");
      events.forEach(function (ev) {
        var item = el("li", "kg-event");
        var rel = relationLabels[ev.type];
        var kind = el("span", "kg-event-type", rel ? rel.label : ev.type);
        if (rel) kind.style.borderLeftColor = rel.color;
        item.appendChild(kind);
        if (ev.modality && ev.modality !== "done") {
          item.appendChild(el("span", "kg-event-modality", MODALITY[ev.modality] || ev.modality));
        }
        if (ev.date) item.appendChild(el("span", "kg-muted", ev.date + " "));
        if (ev.document) item.appendChild(docRef(ev.document));
        if (rel && rel.directed) {
          item.appendChild(el("span", "kg-event-who", ev.forward ? from + " → " + to : to + " → " + from));
        }
        item.appendChild(markedSentence(ev.sentence, ev.trigger, ev.trigger_start));
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
      var rows = edges.get(network.getConnectedEdges(id)).map(function (e) { // one lookup for all: hubs have hundreds
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
      list.addEventListener("click", function (ev) { // one listener for the whole list
        var link = ev.target.closest ? ev.target.closest("a[data-id]") : null;
        if (!link) return;
        ev.preventDefault();
        var other = link.getAttribute("data-id");
        if (!nodes.get(other)) addToMap(other);
        focusNode(other);
      });
      rows.forEach(function (r) {
        var item = el("li");
        var link = el("a", null, entities[r.other].name);
        link.href = "#";
        link.setAttribute("data-id", r.other);
        item.appendChild(link);
        var typed = relationLabels[r.relation];
        var rel = r.relation === "holds_position_at" ? " · 任职"
          : typed && typed.event ? " · " + typed.label.split(" ")[0] : ""; // 考察, 会见 …
        item.appendChild(el("span", "kg-muted", " ×" + format(r.weight) + rel + (r.onMap ? "" : " · 不在图上 off the map")));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }

    function showEdge(id) {
      var e = edges.get(id);
      if (!e) return showPlaceholder();
      var k = e.kg;
      var to = e.arrows && e.arrows.to, back = e.arrows && e.arrows.from;
      var a = nodes.get(e.from).kg.name, b = nodes.get(e.to).kg.name;
      clear(panel);
      panel.appendChild(el("h2", null, to && back ? a + " ↔ " + b : to ? a + " → " + b : back ? b + " → " + a : a + " — " + b));
      var kinds = (e.kgKinds || [e.kgRelation]).map(function (kind) {
        var rel = relationLabels[kind];
        return rel ? rel.label : kind;
      });
      panel.appendChild(el("p", "kg-kind kg-muted", kinds.join(" · ")));
      var dl = el("dl");
      addField(dl, "职务 title", k.title);
      addField(dl, "权重 weight", format(k.weight));
      addField(dl, "文档 documents", format(k.documents));
      addField(dl, "NPMI", format(k.npmi));
      addField(dl, "首见 first seen", k.first_seen);
      addField(dl, "末见 last seen", k.last_seen);
      panel.appendChild(dl);
      addEvents(e);
      addEvidence(k.evidence);
    }

    return { showNode: showNode, showEdge: showEdge, showPlaceholder: showPlaceholder };
  };
})();
