// Progressive enhancement for producer forms: choosing a province loads its communes at once.
// Without JavaScript the "Chọn tỉnh này" button does the same with a round trip.
(function () {
  "use strict";
  var province = document.querySelector("select[data-autosubmit=province]");
  var commune = document.getElementById("f-commune_code");
  if (!province || !commune || !window.fetch) { return; }
  var button = document.querySelector("[data-province-button]");
  if (button) { button.hidden = true; }
  province.addEventListener("change", function () {
    var placeholder = commune.options[0] ? commune.options[0].cloneNode(true) : null;
    if (!province.value) { return; }
    fetch("/api/v1/places/provinces/" + encodeURIComponent(province.value) + "/communes", {
      headers: { accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (communes) {
      commune.innerHTML = "";
      if (placeholder) { placeholder.selected = true; commune.appendChild(placeholder); }
      communes.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.code;
        option.textContent = item.full_name;
        commune.appendChild(option);
      });
    }).catch(function () {
      if (button) { button.hidden = false; button.click(); }
    });
  });
})();
