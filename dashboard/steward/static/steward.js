// Steward upload form: say at once when a file is over the limit (instead of sending it), and show progress.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) { return; }
  var input = document.getElementById("upload-file");
  var message = document.getElementById("upload-message");
  var button = document.getElementById("upload-button");
  var limit = parseInt(form.getAttribute("data-limit-bytes"), 10);
  var limitMb = form.getAttribute("data-limit-mb");

  function tooLarge() {
    var file = input.files && input.files[0];
    if (!file || !limit || file.size <= limit) {
      message.hidden = true;
      message.textContent = "";
      return false;
    }
    var mb = (file.size / 1024 / 1024).toFixed(1);
    var words = form.getAttribute("data-too-large");  // the page's language (steward.upload.too_large)
    message.textContent = words ? words.replace("{name}", file.name).replace("{size}", mb).replace("{limit}", limitMb)
      : "\u201c" + file.name + "\u201d is " + mb + " MB; the largest file accepted is " + limitMb +
        " MB. Split the rows into several files.";
    message.hidden = false;
    return true;
  }

  input.addEventListener("change", tooLarge);
  form.addEventListener("submit", function (event) {
    if (tooLarge()) {
      event.preventDefault();
      input.focus();
      return;
    }
    button.disabled = true;
    button.textContent = form.getAttribute("data-uploading") || "Uploading and checking\u2026";
  });
}());
