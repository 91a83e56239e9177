// Progressive enhancement only: the pages work without it.
// Certificate upload: drag and drop onto the file boxes, and a progress
// bar while the files are sent.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.FormData || !window.DataTransfer) { return; }
  var boxes = form.querySelectorAll(".drop");
  function place(files, input) {
    // The first pattern a name matches decides its box ("inventory
    // activity" before "inventory").
    var byName = [["inventory_activity", /activit|movement/i], ["receivables", /receiv|aging/i], ["debtors", /debtor|customer/i],
      ["inventory", /invent|stock/i], ["sales", /sales/i], ["collections", /collect|receipt|cash/i], ["credits", /credit/i]];
    if (files.length === 1) {
      var dt = new DataTransfer(); dt.items.add(files[0]); input.files = dt.files; return;
    }
    Array.prototype.forEach.call(files, function (f) {
      for (var i = 0; i < byName.length; i++) {
        var box = document.getElementById(byName[i][0]);
        if (box && byName[i][1].test(f.name)) {
          var dt = new DataTransfer(); dt.items.add(f);
          box.files = dt.files;
          return;
        }
      }
    });
  }
  Array.prototype.forEach.call(boxes, function (box) {
    var input = box.querySelector("input[type=file]");
    box.addEventListener("dragover", function (e) { e.preventDefault(); box.classList.add("over"); });
    box.addEventListener("dragleave", function () { box.classList.remove("over"); });
    box.addEventListener("drop", function (e) {
      e.preventDefault(); box.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) { place(e.dataTransfer.files, input); }
    });
  });
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  form.addEventListener("submit", function (e) {
    if (!window.XMLHttpRequest) { return; }
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    bar.hidden = false;
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) {
        var pct = Math.round(ev.loaded * 100 / ev.total);
        bar.value = pct; bar.textContent = pct + "%";
        status.textContent = pct < 100 ? "Sending… " + pct + "%" : "Computing the certificate…";
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status < 400 && xhr.responseURL) { window.location.assign(xhr.responseURL); return; }
      document.open(); document.write(xhr.responseText); document.close();
    });
    xhr.addEventListener("error", function () {
      status.textContent = "The upload failed: check the connection and send the files again.";
    });
    form.querySelector("button[type=submit]").disabled = true;
    status.textContent = "Sending…";
    xhr.send(new FormData(form));
  });
}());
