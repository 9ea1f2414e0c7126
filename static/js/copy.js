// Copy buttons: <button data-copy="ID"> copies the value of the input with that id.
// A static file, so that the Content-Security-Policy keeps allowing no inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) { return; }
  var field = document.getElementById(button.getAttribute("data-copy"));
  if (!field) { return; }
  field.select();
  var done = function () {
    var label = button.getAttribute("data-copied");
    if (label) { button.textContent = label; }
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(field.value).then(done, function () {
      document.execCommand("copy"); done();
    });
  } else {
    document.execCommand("copy"); done();
  }
});
