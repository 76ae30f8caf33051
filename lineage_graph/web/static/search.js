// The search box in every page's header: suggestions as you type (debounced; only the latest answer is
// drawn), an ARIA combobox whose listbox is walked with the arrow keys, Enter opening the entity's page.
import { element, getJSON, go } from "./app.js";

const DEBOUNCE_MS = 150;
let kindsAsked = null; // /api/v1/kinds, asked once: each result names its kind as the README does, in its colour

function kinds() {
  kindsAsked ??= getJSON("/api/v1/kinds").then((body) => body.kinds, () => ({}));
  return kindsAsked;
}

function kindName(known, result) {
  const kind = known[result.kind];
  const noun = kind ? (kind.source === "OpenLineage" ? `OpenLineage ${kind.noun}` : kind.noun) : result.kind;
  return [noun, result.type].filter(Boolean).join(" · ");
}

function mount(slot) {
  const listId = "search-results";
  const box = element("input", {
    type: "search", role: "combobox", "aria-label": "Search", "aria-autocomplete": "list",
    "aria-expanded": "false", "aria-controls": listId, autocomplete: "off", spellcheck: "false",
    placeholder: "Search: name, ARN, s3:// URI or prefix, OpenLineage job, dataset or run id",
  });
  const list = element("ul", { id: listId, role: "listbox", "aria-label": "Search results", class: "search-results", hidden: true });
  const status = element("span", { class: "visually-hidden", role: "status" });
  slot.replaceChildren(element("div", { class: "search" }, box, list, status));

  let results = [];
  let active = -1;
  let asked = 0; // the number of the latest question: an older answer arriving later is dropped
  let timer = null;

  function close() {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function open(result) {
    close();
    box.value = "";
    go("/entity", { ref: result.ref });
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll("[role=option]").forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    if (index < 0) {
      box.removeAttribute("aria-activedescendant");
      return;
    }
    const option = document.getElementById(`${listId}-${index}`);
    box.setAttribute("aria-activedescendant", option.id);
    option.scrollIntoView({ block: "nearest" });
  }

  function show(found, known) {
    results = found;
    active = -1;
    list.replaceChildren(
      ...found.map((result, i) =>
        element(
          "li",
          {
            id: `${listId}-${i}`, role: "option", "aria-selected": "false", class: "search-result",
            onmousedown: (event) => event.preventDefault(), // keep the focus in the box
            onclick: () => open(result),
          },
          element("span", { class: "result-name" }, element("span", { class: "swatch", "data-kind": result.kind }), result.name),
          element("span", { class: "result-kind" }, kindName(known, result)),
          // The ARN or URI too, unless the name is already that.
          element("span", { class: "result-uri quiet" }, [result.source_uri, result.uri].find((v) => v && v !== result.name) || ""),
        ),
      ),
    );
    for (const swatch of list.querySelectorAll(".swatch")) swatch.style.background = known[swatch.dataset.kind]?.colour || "";
    status.textContent = found.length ? `${found.length} results` : "No results";
    if (!found.length) list.append(element("li", { class: "quiet search-empty" }, "Nothing found"));
    list.hidden = false;
    box.setAttribute("aria-expanded", "true");
    box.removeAttribute("aria-activedescendant");
  }

  async function ask(text) {
    const mine = ++asked;
    try {
      const [body, known] = await Promise.all([getJSON("/api/v1/search", { q: text }), kinds()]);
      if (mine === asked) show(body.results, known);
    } catch (error) {
      if (mine !== asked) return;
      results = [];
      list.replaceChildren(element("li", { class: "error", role: "alert" }, String(error.message || error)));
      list.hidden = false;
    }
  }

  box.addEventListener("input", () => {
    clearTimeout(timer);
    const text = box.value.trim();
    if (!text) {
      asked++; // an answer still on its way is for text no longer there
      close();
      return;
    }
    timer = setTimeout(() => ask(text), DEBOUNCE_MS);
  });
  box.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!results.length) return;
      event.preventDefault();
      if (list.hidden) {
        list.hidden = false;
        box.setAttribute("aria-expanded", "true");
      }
      // From the box (-1) through the options and back to the box, either way round.
      const next = active + (event.key === "ArrowDown" ? 1 : -1);
      highlight(next >= results.length ? -1 : next < -1 ? results.length - 1 : next);
    } else if (event.key === "Enter" && !list.hidden && results.length) {
      event.preventDefault();
      open(results[active >= 0 ? active : 0]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  box.addEventListener("blur", close);
}

mount(document.getElementById("search-slot"));
