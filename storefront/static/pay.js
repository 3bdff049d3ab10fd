// Payment page enhancement: copy buttons, a countdown to expiry, and the status following the
// payment by itself (polls the JSON API; when the state changes the page is redrawn by the
// server). Without JavaScript every value is plain selectable text and "Kiểm tra lại" reloads.
(function () {
  "use strict";
  var box = document.querySelector("[data-intent-url]");
  var POLL_MS = 3000;

  function setupCopy() {
    var copiedLabel = box ? box.getAttribute("data-copied-label") : "";
    if (!navigator.clipboard) { return; }
    Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), function (button) {
      var original = button.innerHTML;
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
          button.textContent = copiedLabel;
          window.setTimeout(function () { button.innerHTML = original; }, 2000);
        });
      });
    });
  }

  function setupCountdown() {
    var time = document.querySelector("time[data-expires]");
    var out = document.querySelector("[data-countdown]");
    if (!time || !out) { return; }
    var deadline = Date.parse(time.getAttribute("datetime"));
    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      out.textContent = "(" + minutes + ":" + (seconds < 10 ? "0" : "") + seconds + ")";
      if (left > 0) { window.setTimeout(tick, 1000); } else { out.textContent = "(" + box.getAttribute("data-expired-label") + ")"; poll(); }
    }
    tick();
  }

  function poll() {
    if (!box || !window.fetch) { return; }
    fetch(box.getAttribute("data-intent-url"), { headers: { accept: "application/json" }, cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (intent) {
        if (!intent) { return; }
        if (intent.state !== box.getAttribute("data-state") || intent.order_state !== box.getAttribute("data-order-state")) {
          window.location.reload();
        }
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  setupCopy();
  if (!box) { return; }
  setupCountdown();
  var state = box.getAttribute("data-state");
  if (state === "requires_payment" || state === "underpaid" || state === "expired") {
    window.setInterval(poll, POLL_MS);
  }
})();
