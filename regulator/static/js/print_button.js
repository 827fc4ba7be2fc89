// A button marked data-print prints the page (the browser offers "save as PDF" in the same dialog).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
