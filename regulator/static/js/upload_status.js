// The upload form says that the file is being imported while its request runs (an import runs in the request:
// a large file takes minutes, and the page would only show the browser's spinner); the button is not pressed twice.
const uploadForm = document.getElementById("upload-form");
if (uploadForm) {
  uploadForm.addEventListener("submit", () => {
    document.getElementById("upload-status").hidden = false;
    // after the form's data is taken: a disabled button is left out of it
    setTimeout(() => uploadForm.querySelectorAll("[type=submit]").forEach((button) => { button.disabled = true; }));
  });
}
