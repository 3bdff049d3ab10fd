// Checkout enhancement: choosing a province redraws the form at once (communes and delivery
// fees depend on it). Without JavaScript the "Chọn tỉnh này" button does the same.
(function () {
  "use strict";
  var province = document.querySelector("select[data-refresh-on-change]");
  var button = document.querySelector("[data-refresh-button]");
  if (!province || !button || !province.form || !province.form.requestSubmit) { return; }
  button.hidden = true;
  province.addEventListener("change", function () {
    province.form.requestSubmit(button);
  });
})();
