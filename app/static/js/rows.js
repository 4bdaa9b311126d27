// Procedure form: add and remove rows of the documents and steps tables,
// renumbering WTForms field names (documents-3-name), and show the running
// total of step shares. The form works without this script: the server
// always renders two spare blank rows.
(function () {
  "use strict";
  var form = document.getElementById("procedure-form");
  if (!form) return;
  var shareUnits = JSON.parse(document.getElementById("share-units").textContent || "{}");

  function renumber(table) {
    var prefix = table.getAttribute("data-rows");
    var rows = table.querySelectorAll("tbody tr[data-row]");
    rows.forEach(function (row, index) {
      row.querySelector("[data-index]").textContent = index + 1;
      row.querySelectorAll("input, select, textarea").forEach(function (control) {
        ["name", "id"].forEach(function (attr) {
          var value = control.getAttribute(attr);
          if (value) control.setAttribute(attr, value.replace(new RegExp("^" + prefix + "-\\d+-"), prefix + "-" + index + "-"));
        });
      });
    });
  }

  function addRow(table) {
    var rows = table.querySelectorAll("tbody tr[data-row]");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input, textarea").forEach(function (c) { c.value = ""; });
    copy.querySelectorAll("select").forEach(function (c) { c.selectedIndex = 0; });
    last.parentNode.appendChild(copy);
    renumber(table);
    var first = copy.querySelector("input, select");
    if (first) first.focus();
  }

  function parseAmount(text) {
    var cleaned = (text || "").trim().replace(",", ".");
    if (!cleaned) return 0;
    var value = Number(cleaned);
    return isNaN(value) ? NaN : value;
  }

  function updateTotal() {
    var total = 0;
    form.querySelectorAll('input[name^="steps-"][name$="-share"]').forEach(function (input) {
      total += parseAmount(input.value);
    });
    var kind = form.querySelector('[name="duration_kind"]').value;
    var out = form.querySelector(".js-share-total");
    out.textContent = isNaN(total) ? "không đọc được" : (Math.round(total * 100) / 100).toString().replace(".", ",") + " " + shareUnits[kind];
    form.querySelector(".js-share-unit").textContent = shareUnits[kind];
    var valueField = form.querySelector(".js-duration-value");
    if (valueField) valueField.hidden = kind === "same_day";
  }

  form.addEventListener("click", function (event) {
    var add = event.target.closest(".js-add-row");
    if (add) {
      addRow(form.querySelector('table[data-rows="' + add.getAttribute("data-target") + '"]'));
      return;
    }
    var remove = event.target.closest(".js-remove-row");
    if (remove) {
      var row = remove.closest("tr");
      var table = row.closest("table");
      if (table.querySelectorAll("tbody tr[data-row]").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach(function (c) { c.value = ""; });
      }
      renumber(table);
      updateTotal();
    }
  });
  form.addEventListener("input", updateTotal);
  form.addEventListener("change", updateTotal);
  updateTotal();
})();
