// Draws each chart of the page from its Vega-Lite spec; the text alternative stays for
// screen readers and for readers without JavaScript.
window.addEventListener("DOMContentLoaded", () => {
  if (typeof window.vegaEmbed !== "function") return;
  for (const box of document.querySelectorAll(".vega[data-spec]")) {
    const spec = JSON.parse(document.getElementById(box.dataset.spec).textContent);
    window.vegaEmbed(box, spec, { actions: false, renderer: "svg" })
      .then(() => box.classList.add("drawn"))
      .catch((error) => { box.dataset.error = String(error); });
  }
});
