// Search as you type, on top of a page that works without it.
// The search box becomes an ARIA 1.2 combobox: suggestions (completions of the last word) and
// the first products come from GET /api/v1/search, debounced; arrows move, Enter picks,
// Escape closes. Filter checkboxes submit the form when they change.
(function () {
  "use strict";
  var input = document.querySelector("input[data-suggest]");
  if (!input) { return; }
  var form = input.form;
  var status = document.getElementById("q-status");
  var listbox = document.createElement("ul");
  var timer = null;
  var pending = null;
  var options = [];
  var active = -1;
  var DELAY_MS = 150;

  listbox.id = input.id + "-listbox";
  listbox.className = "suggestions";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", input.dataset.labelList);
  listbox.hidden = true;
  input.parentNode.appendChild(listbox);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", listbox.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function choose(option) {
    if (option.href) { window.location.assign(option.href); return; }
    input.value = option.text;
    close();
    form.submit();
  }

  function highlight(index) {
    options.forEach(function (option, i) {
      option.node.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].node.id);
      options[index].node.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function addOption(option) {
    var node = document.createElement("li");
    node.id = listbox.id + "-" + options.length;
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    node.textContent = option.text;
    node.addEventListener("mousedown", function (event) { event.preventDefault(); });
    node.addEventListener("click", function () { choose(option); });
    option.node = node;
    options.push(option);
    listbox.appendChild(node);
  }

  function render(answer) {
    listbox.textContent = "";
    options = [];
    answer.suggestions.slice(0, 5).forEach(function (text) { addOption({ text: text }); });
    if (answer.items.length) {
      var label = document.createElement("li");
      label.className = "group-label";
      label.setAttribute("role", "presentation");
      label.textContent = input.dataset.labelProducts;
      listbox.appendChild(label);
      answer.items.slice(0, 4).forEach(function (hit) {
        addOption({ text: hit.name, href: "/products/" + encodeURIComponent(hit.slug) });
      });
    }
    if (!options.length) { close(); return; }
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
    if (status) { status.textContent = input.dataset.labelCount.replace("{count}", options.length); }
  }

  function fetchSuggestions() {
    var text = input.value;
    if (!text.trim()) { close(); return; }
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var url = input.dataset.suggest + "?page_size=4&lang=" + encodeURIComponent(input.dataset.lang) +
      "&q=" + encodeURIComponent(text);
    fetch(url, { signal: pending.signal, headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer && input.value === text) { render(answer); } })
      .catch(function () { /* offline or aborted: the form still works */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY_MS);
  });
  input.addEventListener("keydown", function (event) {
    var open = !listbox.hidden;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      if (!open) { fetchSuggestions(); return; }
      highlight(active + 1 < options.length ? active + 1 : 0);
    } else if (event.key === "ArrowUp" && open) {
      event.preventDefault();
      highlight(active > 0 ? active - 1 : options.length - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(options[active]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", close);

  form.querySelectorAll(".facet input[type=checkbox], .facet input[type=radio], select").forEach(
    function (control) { control.addEventListener("change", function () { form.submit(); }); }
  );
})();
