// The search page (templates/search.html): asks the Pagefind index (search_index.py) and lists
// the hits. Loaded as a module from the site's own host; needs no inline script and no eval,
// only 'wasm-unsafe-eval' for Pagefind's WebAssembly (see deploy/nginx.conf).
const form = document.querySelector("form.search-form");
const input = document.getElementById("suche-eingabe");
const notice = document.getElementById("suche-hinweis");
const status = document.getElementById("suche-status");
const list = document.getElementById("suche-treffer");
let loading = null; // the promise of the Pagefind module, initialised and with every bundle merged

async function load() {
  const pagefind = await import(form.dataset.bundle + "pagefind.js");
  // The index holds full paths (/familie/…): no base URL in front of them.
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
  // A large site's index comes in several bundles (search_bundles.py): the others are merged into
  // this one, and a search ranks the hits of all of them together.
  for (const bundle of (form.dataset.bundles || "").split(" ").filter(Boolean)) {
    await pagefind.mergeIndex(bundle, { baseUrl: "/" });
  }
  return pagefind;
}

function engine() {
  // Once per page, also when a second search starts while the first is still loading (merging a
  // bundle twice would list its hits twice). A failure stays: the page says so (see run).
  if (loading === null) {
    loading = load();
  }
  return loading;
}

// Pagefind's excerpt is HTML-escaped text with <mark> around the hits: rebuild it from nodes.
function excerpt(html) {
  const paragraph = document.createElement("p");
  const parsed = new DOMParser().parseFromString(html, "text/html");
  for (const node of parsed.body.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function show(query, hits) {
  list.replaceChildren();
  for (const hit of hits) {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = hit.url;
    link.textContent = (hit.meta && hit.meta.title) || hit.url;
    heading.append(link);
    item.append(heading, excerpt(hit.excerpt || ""));
    list.append(item);
  }
  const count = hits.length === 1 ? "1 Treffer" : `${hits.length} Treffer`;
  status.textContent = hits.length ? `${count} für „${query}“.` : `Keine Treffer für „${query}“.`;
}

async function run(query) {
  query = query.trim();
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Suche läuft …";
  try {
    const found = await (await engine()).search(query);
    const hits = await Promise.all(found.results.slice(0, 20).map((result) => result.data()));
    show(query, hits);
  } catch (error) {
    status.textContent = "Die Suche konnte nicht geladen werden. Bitte nutzen Sie die Übersichten oben.";
    notice.hidden = false;
    throw error;
  }
}

notice.hidden = true;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const url = new URL(window.location.href);
  url.searchParams.set("q", input.value);
  window.history.replaceState(null, "", url);
  run(input.value);
});
const initial = new URLSearchParams(window.location.search).get("q");
if (initial) {
  input.value = initial;
  run(initial);
}
