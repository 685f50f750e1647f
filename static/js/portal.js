// Ask before destructive or weighty actions: a submit button or form with data-confirm.
document.addEventListener("submit", function (event) {
  var source = event.submitter && event.submitter.dataset.confirm ? event.submitter : event.target;
  var message = source.dataset ? source.dataset.confirm : null;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
