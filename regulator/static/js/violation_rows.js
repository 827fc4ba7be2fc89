/* The result form's violation rows: a button adds a row, and a code the agency has used before fills in its
   usual description and severity (the page works without this script: it shows a fixed number of rows). */
(function () {
  "use strict";
  var body = document.querySelector("#violation-rows tbody");
  var add = document.getElementById("add-violation");
  var codes = document.getElementById("violation-codes");
  if (!body || !add) {
    return;
  }
  var max = parseInt(add.getAttribute("data-max"), 10) || 50;

  function renumber(row, index) {
    row.querySelectorAll("input, select").forEach(function (el) {
      ["name", "id"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) {
          el.setAttribute(attr, value.replace(/^violations-\d+-/, "violations-" + index + "-"));
        }
      });
    });
  }

  function suggest(event) {
    var input = event.target;
    if (!codes || !input.name || !/-code$/.test(input.name)) {
      return;
    }
    var option = Array.prototype.find.call(codes.options, function (o) { return o.value === input.value; });
    var row = input.closest("tr");
    var description = row.querySelector("input[name$='-description']");
    if (option && description && !description.value) {
      description.value = option.getAttribute("data-description") || "";
      row.querySelector("select[name$='-severity']").value = option.getAttribute("data-severity") || "minor";
    }
  }

  add.hidden = false;
  add.addEventListener("click", function () {
    var rows = body.querySelectorAll("tr.violation-row");
    if (rows.length >= max) {
      add.disabled = true;
      return;
    }
    var copy = rows[rows.length - 1].cloneNode(true);
    renumber(copy, rows.length);
    copy.querySelectorAll("input").forEach(function (el) { el.value = ""; el.classList.remove("is-invalid"); });
    copy.querySelectorAll("select").forEach(function (el) { el.selectedIndex = 0; });
    copy.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
    body.appendChild(copy);
    copy.querySelector("input").focus();
    add.disabled = rows.length + 1 >= max;
  });
  body.addEventListener("change", suggest);
}());
