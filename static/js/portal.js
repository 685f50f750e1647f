// Ask before destructive or weighty actions: a submit button or form with data-confirm.
document.addEventListener("submit", function (event) {
  var source = event.submitter && event.submitter.dataset.confirm ? event.submitter : event.target;
  var message = source.dataset ? source.dataset.confirm : null;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
// A select with data-submit-on-change submits its form when the choice changes (inline
// onchange handlers would need 'unsafe-inline' scripts, which the Content-Security-Policy forbids).
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-submit-on-change]")) {
    event.target.form.submit();
  }
});
