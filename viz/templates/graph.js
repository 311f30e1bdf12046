/* Interactive graph pages: build the vis-network from the page's JSON, with a time filter on claim edges.
 * Values are put in the page as text only (textContent, canvas labels): a name such as
 * an img tag with an onerror handler shows as those characters and never runs.
 * Every network is kept in window.graphfraud.networks (the browser tests count its nodes there). */
(function () {
  "use strict";
  var DAY = 86400;

  function tooltip(rows) {
    var box = document.createElement("div");
    box.className = "gf-tip";
    (rows || []).forEach(function (row) {
      var line = document.createElement("div");
      var key = document.createElement("b");
      key.textContent = String(row[0]);
      line.appendChild(key);
      line.appendChild(document.createTextNode(": " + String(row[1])));
      box.appendChild(line);
    });
    return box;
  }

  function isoDay(day) {
    return new Date(day * DAY * 1000).toISOString().slice(0, 10);
  }

  function dayOf(text) {
    var t = Date.parse(String(text) + "T00:00:00Z");
    return isNaN(t) ? null : Math.floor(t / 1000 / DAY);
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) { return k in values ? String(values[k]) : m; });
  }

  function setup(section) {
    var source = document.getElementById(section.getAttribute("data-source"));
    var canvas = section.querySelector(".gf-canvas");
    if (!source || !canvas || typeof vis === "undefined") { return null; }
    var data = JSON.parse(source.textContent);
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var copy = Object.assign({}, n);
      copy.title = tooltip(n.tip);
      return copy;
    }));
    var edges = new vis.DataSet(data.edges.map(function (e, i) {
      var copy = Object.assign({id: "e" + i}, e);
      copy.title = tooltip(e.tip);
      return copy;
    }));
    var lo = -Infinity, hi = Infinity, shown = new Set();

    function inRange(e) {
      if (!e.days || !e.days.length) { return true; }
      for (var i = 0; i < e.days.length; i++) { if (e.days[i] >= lo && e.days[i] <= hi) { return true; } }
      return false;
    }
    function recompute() {
      shown = new Set();
      edges.forEach(function (e) { if (inRange(e)) { shown.add(e.from); shown.add(e.to); } });
    }
    recompute();
    var edgeView = new vis.DataView(edges, {filter: inRange});
    var nodeView = new vis.DataView(nodes, {filter: function (n) { return n.keep || shown.has(n.id); }});
    var network = new vis.Network(canvas, {nodes: nodeView, edges: edgeView}, data.options || {});
    network.once("stabilizationIterationsDone", function () { network.setOptions({physics: {enabled: false}}); });
    network.on("doubleClick", function (params) {
      if (!params.nodes.length) { return; }
      var node = nodes.get(params.nodes[0]);
      if (node && node.href && node.href.charAt(0) === "/") { window.location.href = node.href; }
    });

    var time = section.querySelector(".gf-time");
    if (time) {
      var from = time.querySelector(".gf-from"), to = time.querySelector(".gf-to");
      var low = time.querySelector(".gf-lo"), high = time.querySelector(".gf-hi");
      var count = time.querySelector(".gf-count"), reset = time.querySelector(".gf-reset");
      var total = 0;
      edges.forEach(function (e) { if (e.tally && e.days) { total += e.days.length; } });
      var apply = function () {
        recompute();
        nodeView.refresh();
        edgeView.refresh();
        var inside = 0;
        edges.forEach(function (e) {
          if (!e.tally || !e.days) { return; }
          e.days.forEach(function (d) { if (d >= lo && d <= hi) { inside += 1; } });
        });
        count.textContent = fill(data.texts.claims_in_range, {shown: inside, total: total});
      };
      var setRange = function (a, b) {
        if (a !== null && b !== null && a > b) { var t = a; a = b; b = t; }
        lo = a === null ? -Infinity : a;
        hi = b === null ? Infinity : b;
        if (a !== null) { from.value = isoDay(a); low.value = a; }
        if (b !== null) { to.value = isoDay(b); high.value = b; }
        apply();
      };
      from.addEventListener("change", function () { setRange(dayOf(from.value), dayOf(to.value)); });
      to.addEventListener("change", function () { setRange(dayOf(from.value), dayOf(to.value)); });
      low.addEventListener("input", function () { setRange(Number(low.value), Number(high.value)); });
      high.addEventListener("input", function () { setRange(Number(low.value), Number(high.value)); });
      reset.addEventListener("click", function () { setRange(Number(low.min), Number(high.max)); });
      setRange(Number(low.min), Number(high.max));
    }
    return network;
  }

  function start() {
    window.graphfraud = window.graphfraud || {networks: []};
    var sections = document.querySelectorAll(".gf-graph");
    for (var i = 0; i < sections.length; i++) {
      var network = setup(sections[i]);
      if (network) { window.graphfraud.networks.push(network); }
    }
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
