// The progress of an export job (templates/exports/job.html): asks the server every two seconds while the
// job waits or runs, moves the bar, and reloads the page once it is done or has failed (the page then offers
// the download, or says why). Without JavaScript the page says to reload it.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-step]");
  var url = box.getAttribute("data-url");
  function ask() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { window.setTimeout(ask, 5000); return; }
        if (job.state === "done" || job.state === "failed" || job.state === "expired") {
          window.location.reload();
          return;
        }
        bar.value = job.percent;
        bar.textContent = job.percent + " %";
        text.textContent = job.state === "queued" ? "Chờ máy chủ bắt đầu tạo tệp (thường trong vài giây)…" :
          job.label + (job.total ? " — " + job.done + "/" + job.total : "") + (job.step ? ": " + job.step : "");
        window.setTimeout(ask, 2000);
      })
      .catch(function () { window.setTimeout(ask, 5000); });
  }
  window.setTimeout(ask, 1000);
}());
