// The explorer's router: each path is a view module exporting `render(main, params)`, drawn into <main>.
// Views put their state in the URL (history.pushState through `go`), so every view is a link to share.
// Data from the graph is only ever set as text (textContent, setAttribute), never parsed as HTML.

const VIEWS = {
  "/": "./home.js",
  "/entity": "./entity.js",
  "/lineage": "./lineage.js",
  "/impact": "./impact.js",
  "/audit": "./audit.js",
};

export function go(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ""));
  const url = query.toString() ? `${path}?${query}` : path;
  history.pushState(null, "", url);
  return draw();
}

export async function getJSON(path, params = {}) {
  const query = new URLSearchParams(params);
  const response = await fetch(query.toString() ? `${path}?${query}` : path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}

export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function draw() {
  const main = document.getElementById("view");
  const modulePath = VIEWS[location.pathname];
  const params = Object.fromEntries(new URLSearchParams(location.search));
  main.replaceChildren(element("p", { class: "quiet" }, "Loading…"));
  try {
    const view = await import(modulePath);
    await view.render(main, params);
  } catch (error) {
    main.replaceChildren(element("p", { class: "error", role: "alert" }, String(error.message || error)));
  }
}

// Links inside the app change the view without reloading the page.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='/']");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const url = new URL(link.href);
  if (!(url.pathname in VIEWS)) return;
  event.preventDefault();
  history.pushState(null, "", url.pathname + url.search);
  draw();
});
window.addEventListener("popstate", draw);
draw();
