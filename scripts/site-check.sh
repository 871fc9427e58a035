#!/usr/bin/env bash
# The site in a real browser: builds it (scripts/site.sh), then opens every page in headless
# Chromium (Debian's `chromium`, installed with apt-get when missing) and fails if
#   - a page logs a console error (an uncaught exception, a resource that failed to load);
#   - Markdown is left as text (`![`, `](` outside code);
#   - an <img src>, <a href> or <link href> names a local file that does not exist, or a #fragment
#     that the target page does not define (checked on the DOM Chromium dumps);
#   - in the browser, an image does not decode, or a page is wider than a 1280 px or a 480 px window
#     (something overflows instead of scrolling in its own box).
# Screenshots of every page (top of the page, 1280×1800 and 480×1400) go to site-shots/ (git-ignored)
# or to the folder given: scripts/site-check.sh [SHOTS_DIR]. SITE_CHECK_NO_BUILD=1 checks site/ as it is.
set -uo pipefail
cd "$(dirname "$0")/.."
site="$PWD/site"
shots="${1:-$PWD/site-shots}"
mkdir -p "$shots"
if [ "${SITE_CHECK_NO_BUILD:-}" != 1 ]; then bash scripts/site.sh || exit 1; fi

if ! command -v chromium >/dev/null 2>&1; then
    echo "site-check: installing Debian's chromium"
    sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null \
        || { echo "site-check: ✗ could not install chromium"; exit 1; }
fi
tmp="$(mktemp -d "${TMPDIR:-/tmp}/site-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
browser() {  # browser ARGS... URL: one headless Chromium run with a throw-away profile
    chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
        --no-first-run --disable-extensions "$@"
}

failed=0
pages=()
for f in "$site"/*.html; do pages+=("$(basename "$f")"); done
mkdir -p "$tmp/dom"
for p in "${pages[@]}"; do
    name="${p%.html}"
    browser --enable-logging=stderr --v=0 --virtual-time-budget=3000 --dump-dom "file://$site/$p" \
        >"$tmp/dom/$p" 2>"$tmp/$name.log"
    if grep -E ':CONSOLE' "$tmp/$name.log" | grep -qE 'Uncaught|Failed to load|Error'; then
        echo "site-check: ✗ $p: console errors:"; grep -E ':CONSOLE' "$tmp/$name.log" | head -5; failed=1
    fi
    browser --window-size=1280,1800 --screenshot="$shots/$name.png" "file://$site/$p" >/dev/null 2>&1
    browser --window-size=480,1400 --screenshot="$shots/$name-narrow.png" "file://$site/$p" >/dev/null 2>&1
    [ -s "$shots/$name.png" ] || { echo "site-check: ✗ $p: no screenshot"; failed=1; }
done

# Links, images and fragments on the DOM the browser built.
python3 - "$site" "$tmp/dom" <<'PY' || failed=1
import html.parser, os, sys, urllib.parse
site, doms = sys.argv[1], sys.argv[2]
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.refs, self.ids, self.code, self.text = [], set(), 0, []
    def handle_endtag(self, tag):
        if tag in ("code", "pre"): self.code -= 1
    def handle_data(self, data):
        if not self.code: self.text.append(data)
    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"): self.code += 1
        a = dict(attrs)
        if "id" in a: self.ids.add(a["id"])
        for key in ("src", "href"):
            if a.get(key) is not None and tag in ("img", "a", "link", "script"): self.refs.append((tag, a[key]))
def parse(path):
    p = Page(); p.feed(open(path, encoding="utf-8").read()); return p
ids, bad, checked = {}, [], 0
def ids_of(path):
    if path not in ids: ids[path] = parse(path).ids if os.path.exists(path) else set()
    return ids[path]
for name in sorted(os.listdir(doms)):
    page = parse(os.path.join(doms, name))
    text = "".join(page.text)
    for marker in ("![", "]("):  # Markdown that the generator left as text
        at = text.find(marker)
        if at >= 0: bad.append(f"{name}: unrendered Markdown: …{text[max(0, at - 40):at + 40]}…")
    for tag, ref in page.refs:
        url = urllib.parse.urlsplit(ref)
        if url.scheme and url.scheme != "file": continue
        checked += 1
        target = os.path.join(site, name) if not url.path else os.path.normpath(os.path.join(site, urllib.parse.unquote(url.path)))
        if not os.path.exists(target): bad.append(f"{name}: <{tag}> {ref}: no such file"); continue
        if url.fragment and target.endswith(".html") and "/api/" not in target and urllib.parse.unquote(url.fragment) not in ids_of(target):
            bad.append(f"{name}: <{tag}> {ref}: no id '{url.fragment}' there")
        if tag == "img" and open(target, "rb").read(8) != b"\x89PNG\r\n\x1a\n" and not target.endswith((".svg", ".jpg", ".jpeg")):
            bad.append(f"{name}: <img> {ref}: not a PNG")
for b in bad: print("site-check: ✗", b)
print(f"site-check: {checked} local links and images on {len(os.listdir(doms))} pages, {len(bad)} broken")
sys.exit(1 if bad else 0)
PY

# In the browser: every image decoded, no page wider than its window. A harness page loads each page
# in an iframe of that width and writes what it measured into its own DOM, which Chromium dumps.
for width in 1280 480; do
    {
        echo "<!doctype html><meta charset=utf-8><pre id=out></pre><script>"
        printf 'const pages = ['; printf '"%s",' "${pages[@]}"; echo '];'
        cat <<JS
const out = document.getElementById("out"); let left = pages.length;
for (const p of pages) {
  const f = document.createElement("iframe"); f.style.width = "${width}px"; f.style.height = "900px";
  f.src = "file://$site/" + p;
  f.onload = () => {  // after the page's images have loaded (or failed): the parent's load waits for it
    const d = f.contentDocument, problems = [];
    if (!d) problems.push("not readable");
    else {
      const imgs = [...d.images];
      for (const img of imgs) if (!img.complete || img.naturalWidth === 0) problems.push("image not decoded: " + img.getAttribute("src"));
      const over = d.documentElement.scrollWidth - d.documentElement.clientWidth;
      if (over > 1) problems.push("page " + over + " px wider than the ${width} px window");
      const wide = imgs.filter(img => img.getBoundingClientRect().right > d.documentElement.clientWidth + 1);
      if (wide.length) problems.push(wide.length + " images wider than the window");
    }
    out.textContent += (problems.length ? "FAIL " : "OK ") + p + " " + problems.join("; ") + "\n";
    if (--left === 0) out.textContent += "DONE\n";
  };
  document.body.appendChild(f);
}
JS
        echo "</script>"
    } >"$tmp/harness-$width.html"
    browser --allow-file-access-from-files --disable-web-security --virtual-time-budget=5000 --window-size=1400,1000 \
            --dump-dom "file://$tmp/harness-$width.html" 2>/dev/null \
        | sed -n '/<pre id="out">/,/<\/pre>/p' | sed 's/<[^>]*>//g' >"$tmp/measured-$width.txt"
    if ! grep -q DONE "$tmp/measured-$width.txt"; then
        echo "site-check: ✗ at ${width} px the browser measured only:"; sed "s/^/    /" "$tmp/measured-$width.txt"; failed=1
    fi
    if grep -q '^FAIL' "$tmp/measured-$width.txt"; then grep '^FAIL' "$tmp/measured-$width.txt" | sed "s/^/site-check: ✗ ${width} px: /"; failed=1; fi
    echo "site-check: ${width} px window: $(grep -c '^OK' "$tmp/measured-$width.txt") of ${#pages[@]} pages fit, images decoded"
done

echo "site-check: screenshots in $shots"
if [ $failed = 1 ]; then echo "site-check: FAILED"; exit 1; fi
echo "site-check: ${#pages[@]} pages passed in headless Chromium ($(chromium --version 2>/dev/null | head -1))"
