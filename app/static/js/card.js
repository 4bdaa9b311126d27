// The reception form by keyboard and scanner: Enter moves to the next field instead of sending the form,
// and a Căn cước / CCCD QR scanned into the applicant's (or the owner's) name box fills the person's
// fields from what the server reads in it (POST data-card-url; nothing is stored); so does a card scanned
// into the scan box at the top of the page while the form is open. The form is sent
// with its button (Tab to it, then Enter or Space).
(function () {
  "use strict";
  var form = document.querySelector("form[data-card-url]");
  if (!form) { return; }
  var status = document.getElementById("card-status");
  var CARD = /^\s*\d{12}\|/;

  function say(text, bad) {
    status.textContent = text;
    status.className = bad ? "field__error" : "alert alert--info";
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return !el.disabled && el.type !== "hidden" && el.offsetParent !== null && el.tagName !== "FIELDSET";
    });
  }
  function next(el) {
    var all = fields(), i = all.indexOf(el);
    if (i >= 0 && i + 1 < all.length) { all[i + 1].focus(); }
  }
  function set(name, value) {
    var el = form.elements[name];
    if (el) { el.value = value; el.dispatchEvent(new Event("change", { bubbles: true })); }
  }
  function read(box, kind) {
    var body = new FormData();
    body.append("csrf_token", form.elements.csrf_token.value);
    body.append("text", box.value);
    box.value = "";
    say("Đang đọc thẻ căn cước…", false);
    fetch(form.getAttribute("data-card-url"), { method: "POST", body: body, credentials: "same-origin",
                                                headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { ok: response.ok, data: data }; });
      })
      .then(function (answer) {
        var d = answer.data;
        if (!answer.ok) { box.focus(); say(d.error || "Không đọc được thẻ; vui lòng quét lại hoặc nhập tay.", true); return; }
        if (kind === "owner") {
          set("owner_name", d.name); set("owner_id_number", d.id_number);
          next(form.elements.owner_id_number);
        } else {
          set("applicant_name", d.name); set("applicant_id_kind", d.id_kind); set("applicant_id_number", d.id_number);
          set("applicant_address", d.address); set("applicant_birth_date", d.birth_date);
          form.elements.applicant_phone.focus();
        }
        say("Đã đọc thẻ căn cước: " + d.name + ", số " + d.id_number + ", sinh ngày " + d.birth_date + ".", false);
      })
      .catch(function () { box.focus(); say("Không đọc được thẻ; vui lòng quét lại hoặc nhập tay.", true); });
  }
  var top = document.getElementById("top-scan");  // the scan box at the top of every page
  if (top) {
    top.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && CARD.test(top.value)) {  // an ID card, not a dossier code: fill the form
        event.preventDefault();
        read(top, "applicant");
      }
    });
  }
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || el.tagName === "TEXTAREA" || el.tagName === "BUTTON" || el.type === "submit") { return; }
    event.preventDefault();  // a scanner's Enter, or the clerk's: never sends the form
    var kind = el.getAttribute("data-card");
    if (kind && CARD.test(el.value)) { read(el, kind); } else { next(el); }
  });
}());
