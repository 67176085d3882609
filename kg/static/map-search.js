// kg map, part 3 of 5: search over every entity of the page, those left off the map too
// (a button adds one with its neighbours). map.js gives it the page's state as `ctx`.
(function () {
  "use strict";
  var u = window.kgUtil, el = u.el, clear = u.clear, button = u.button;

  window.kgSearch = function (ctx) {
    var entityList = ctx.entityList, nodes = ctx.nodes, entities = ctx.entities;
    function addToMap(id) { return ctx.addToMap(id); }
    function setHidden(id, hide) { ctx.setHidden(id, hide); }
    function focusNode(id) { ctx.focusNode(id); }

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
        if (!all.length) {
          var left = ctx.leftOut || 0; // entities past the page's limit: only in the exports
          say("未找到 (no match)" + (left ? "; " + left + " 个实体只在导出文件中 (more entities are only in entities.csv)" : ""));
          return null;
        }
        var best = all[0];
        var name = entities[best].name;
        if (!nodes.get(best)) {
          say(name + "：不在图上 (not on the map; " + all.length + " match" + (all.length > 1 ? "es" : "") + ") ",
              "添加到图 add with neighbours", function () { addToMap(best); search(q); });
        } else if (ctx.isHidden(best)) {
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

    return { search: search, build: buildSearch };
  };
})();
