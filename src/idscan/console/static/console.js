// The console's one script: a confirmation before a form marked data-confirm is sent (erase,
// revoke). Everything works without it; the server asks for a reason and a typed confirmation.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
