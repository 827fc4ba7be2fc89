/* The profile's relationship view: draws /entities/<id>/graph.json with Cytoscape.js (served by the app). */
(function () {
  "use strict";
  var box = document.getElementById("relationship-graph");
  if (!box || typeof cytoscape === "undefined") { return; }
  var note = document.getElementById("relationship-graph-note");
  var CLASS_COLOURS = { A: "#198754", B: "#0d6efd", C: "#fd7e14", D: "#dc3545", "": "#6c757d" };
  var SHAPES = { entity: "round-rectangle", person: "ellipse", address: "rectangle", phone: "diamond" };

  // The same neighbourhood as text, for keyboards and screen readers: each related entity, and what links it
  function listView(data) {
    var details = document.getElementById("relationship-list");
    if (!details) { return; }
    var list = details.querySelector("ul");
    var byId = {};
    var links = {};
    data.nodes.forEach(function (n) { byId[n.data.id] = n.data; });
    data.edges.forEach(function (e) {
      [e.data.source, e.data.target].forEach(function (end) { (links[end] = links[end] || []).push(e.data); });
    });
    data.nodes.forEach(function (n) {
      if (n.data.kind !== "entity" || n.data.centre) { return; }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = n.data.url;
      link.textContent = n.data.label;
      item.appendChild(link);
      var via = (links[n.data.id] || []).map(function (e) {
        var other = byId[e.source === n.data.id ? e.target : e.source];
        if (!other) { return null; }
        var what = e.label || other.kind_label;
        return (what || "") + details.dataset.colon + other.label;
      }).filter(Boolean);
      if (via.length) { item.appendChild(document.createTextNode(" · " + via.join(details.dataset.sep))); }
      list.appendChild(item);
    });
    details.hidden = list.children.length === 0;
  }

  fetch(box.dataset.url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      if (data.nodes.length <= 1) { note.textContent = box.dataset.empty; }
      else if (data.truncated) { note.textContent = box.dataset.truncated; }
      var cy = cytoscape({
        container: box,
        elements: { nodes: data.nodes, edges: data.edges },
        style: [
          { selector: "node", style: {
              "label": "data(label)", "font-size": 10, "text-valign": "bottom", "text-margin-y": 3,
              "text-wrap": "ellipsis", "text-max-width": 140, "width": 18, "height": 18,
              "background-color": "#adb5bd", "shape": function (n) { return SHAPES[n.data("kind")] || "ellipse"; } } },
          { selector: "node[kind = 'entity']", style: {
              "width": 26, "height": 26,
              "background-color": function (n) { return CLASS_COLOURS[n.data("credit_class")] || "#6c757d"; } } },
          { selector: "node[kind = 'person']", style: { "background-color": "#6f42c1" } },
          { selector: "node[kind = 'address']", style: { "background-color": "#20c997" } },
          { selector: "node[kind = 'phone']", style: { "background-color": "#ffc107" } },
          { selector: "node[?centre]", style: { "border-width": 4, "border-color": "#212529", "width": 34, "height": 34 } },
          { selector: "edge", style: {
              "label": "data(label)", "font-size": 9, "curve-style": "bezier", "width": 1.5,
              "line-color": "#ced4da", "text-rotation": "autorotate", "color": "#495057" } }
        ],
        layout: { name: "cose", animate: false, randomize: false, idealEdgeLength: function () { return 90; },
                  nodeRepulsion: function () { return 60000; }, padding: 20 }
      });
      cy.on("tap", "node[kind = 'entity'][!centre]", function (evt) {
        window.location.assign(evt.target.data("url"));
      });
      // Cytoscape's styles have no cursor: the container shows the pointer over a node one can open
      cy.on("mouseover", "node[kind = 'entity'][!centre]", function () { box.style.cursor = "pointer"; });
      cy.on("mouseout", "node", function () { box.style.cursor = ""; });
      listView(data);
      box.dataset.ready = "1";
      window.relationshipGraph = cy;
    })
    .catch(function () { note.textContent = box.dataset.error; });
}());
