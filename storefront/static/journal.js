// Batch journal form, progressive enhancement (the plain form POST works without this file).
// 1. Show only the fields of the chosen kind of event.
// 2. Without signal, keep the event as a draft in localStorage and send it when the phone is
//    back online, with the page's current CSRF token. A draft keeps the form's idempotency key,
//    so an event that did reach the server before the signal dropped is not recorded twice;
//    the form then gets a fresh key for the next event.
(function () {
  "use strict";
  var form = document.getElementById("journal-form");
  var status = document.getElementById("draft-status");
  if (!form || !status || !window.fetch || !window.FormData) { return; }
  var key = form.getAttribute("data-draft-key");
  var kind = form.elements.kind;
  var PHOTO_LIMIT = 3 * 1024 * 1024;

  function showFieldsOf(chosen) {
    var parts = form.querySelectorAll("[data-kinds]");
    for (var i = 0; i < parts.length; i++) {
      var kinds = parts[i].getAttribute("data-kinds").split(" ");
      parts[i].hidden = kinds.indexOf(chosen) < 0;
    }
  }

  function say(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  function drafts() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }

  function keep(list) {
    if (list.length) { localStorage.setItem(key, JSON.stringify(list)); }
    else { localStorage.removeItem(key); }
  }

  function token() {
    var field = form.querySelector("input[name=_csrf_token]");
    return field ? field.value : "";
  }

  function newKey() {
    var field = form.elements.idempotency_key;
    if (!field) { return; }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) { window.crypto.getRandomValues(bytes); }
    else { for (var i = 0; i < bytes.length; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    field.value = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("") + Date.now().toString(36);
  }

  function readPhoto(file) {
    return new Promise(function (resolve) {
      if (!file || !file.size || file.size > PHOTO_LIMIT) { resolve(null); return; }
      var reader = new FileReader();
      reader.onload = function () { resolve({ name: file.name, data: reader.result }); };
      reader.onerror = function () { resolve(null); };
      reader.readAsDataURL(file);
    });
  }

  function saveDraft() {
    var fields = [];
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== "_csrf_token") { fields.push([name, value]); }
    });
    var file = form.elements.photo && form.elements.photo.files[0];
    return readPhoto(file).then(function (photo) {
      var list = drafts();
      list.push({ fields: fields, photo: photo });
      try { keep(list); } catch (e) { list.pop(); list.push({ fields: fields, photo: null }); keep(list); }
      form.reset();
      newKey();
      showFieldsOf(kind.value);
      say(status.getAttribute("data-saved"));
    });
  }

  function dataOf(draft) {
    var data = new FormData();
    draft.fields.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.append("_csrf_token", token());
    if (draft.photo) {
      var bytes = atob(draft.photo.data.split(",")[1]);
      var buffer = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i++) { buffer[i] = bytes.charCodeAt(i); }
      var type = draft.photo.data.slice(5, draft.photo.data.indexOf(";"));
      data.append("photo", new Blob([buffer], { type: type }), draft.photo.name || "anh.jpg");
    }
    return data;
  }

  function post(data) {
    return fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "x-csrftoken": token() }
    });
  }

  function restore(draft) {
    draft.fields.forEach(function (pair) {
      var field = form.elements[pair[0]];
      if (field && field.type !== "checkbox" && field.type !== "radio" && field.type !== "file") {
        field.value = pair[1];
      }
    });
    showFieldsOf(kind.value);
  }

  var sending = false;
  function sendDrafts() {
    var list = drafts();
    if (sending || !list.length || navigator.onLine === false) { return; }
    sending = true;
    post(dataOf(list[0])).then(function (response) {
      sending = false;
      var rest = drafts().slice(1);
      keep(rest);
      if (!response.ok) {
        restore(list[0]);
        say(status.getAttribute("data-failed"));
        return;
      }
      if (rest.length) { sendDrafts(); return; }
      window.location.assign(response.url);
    }, function () {
      sending = false;  // still no connection: try again at the next "online" event
    });
  }

  kind.addEventListener("change", function () { showFieldsOf(kind.value); });
  showFieldsOf(kind.value);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (navigator.onLine === false) { saveDraft(); return; }
    post(new FormData(form)).then(function (response) {
      if (response.ok) { window.location.assign(response.url); return; }
      form.submit();  // let the server show what is wrong, as without JavaScript
    }, function () { saveDraft(); });
  });

  window.addEventListener("online", sendDrafts);
  if (drafts().length) {
    say(status.getAttribute("data-saved"));
    sendDrafts();
  }
})();
