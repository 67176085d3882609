// kg map, part 4 of 5: the entity table (every entity of the page: sortable, searchable,
// click a row to go to the node). map.js gives it the page's state as `ctx`.
(function () {
  "use strict";
  var u = window.kgUtil, el = u.el, clear = u.clear, format = u.format;
  var TABLE_ROWS = 500;

  window.kgTable = function (ctx) {
    var entityList = ctx.entityList, nodes = ctx.nodes;
    function addToMap(id) { return ctx.addToMap(id); }
    function setHidden(id, hide) { ctx.setHidden(id, hide); }
    function focusNode(id) { ctx.focusNode(id); }

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
          if (ctx.isHidden(e.id)) setHidden(e.id, false);
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

    return { open: openTable, close: closeTable, build: buildTable };
  };
})();
