// A checkbox marked data-check-all="NAME" ticks or clears every checkbox named NAME in its form.
document.querySelectorAll("[data-check-all]").forEach((master) => {
  const boxes = () => master.form.querySelectorAll(`input[type=checkbox][name="${master.dataset.checkAll}"]`);
  master.addEventListener("change", () => boxes().forEach((box) => { box.checked = master.checked; }));
});
