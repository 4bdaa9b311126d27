// "Lưu trang": print (or save as PDF) a clean summary. No other script on the citizen's pages.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
