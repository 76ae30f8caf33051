// The first page: what the graph holds, by kind, each in its colour. Search (the header) starts from here.
import { element, getJSON } from "./app.js";

export async function render(main) {
  const { kinds } = await getJSON("/api/v1/kinds");
  const items = Object.entries(kinds).map(([label, kind]) =>
    element("li", {}, element("span", { class: "swatch", "data-colour": kind.colour }), `${kind.noun} (${kind.source})`),
  );
  main.replaceChildren(element("h1", {}, "Lineage explorer"), element("ul", { class: "kinds" }, items));
  for (const swatch of main.querySelectorAll(".swatch")) swatch.style.background = swatch.dataset.colour;
}
