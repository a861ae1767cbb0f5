#!/usr/bin/env python3
"""check-layers.py SRCDIR — no file includes across a forbidden layer (docs/ARCHITECTURE.md).

Dependencies point down: ui → (cli) → (report) → plot → engine; inside the engine the store sees values,
not the network; inside the UI widgets know nothing of models, pages or the window, and pages
reach the window only through actions. Each rule is checked on the include closure of every
file it names (a header that includes a header counts), so moving an include one file away does
not hide it. TAP output: one line per rule.
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
src = os.path.join(root, "src")
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)

ui_dirs = ["src/ui", "src/ui/widgets", "src/ui/models", "src/ui/pages"]
search = {
    "src/engine": ["src/engine"],
    "src/plot": ["src/plot", "src/engine"],
    "src/report": ["src/report", "src/plot", "src/engine"],
    "src/cli": ["src/cli", "src/report", "src/plot", "src/engine"],
    "src/ui": ui_dirs + ["src/plot", "src/engine"],
}

files = []
for dirpath, _, names in os.walk(src):
    for name in names:
        if name.endswith((".c", ".h")):
            files.append(os.path.relpath(os.path.join(dirpath, name), root))
files.sort()


def part_of(path):
    for top in ("src/engine", "src/plot", "src/report", "src/cli", "src/ui"):
        if path.startswith(top + "/"):
            return top
    return None


def resolve(path, name):
    """The project file an include names, or the system header's name."""
    here = os.path.dirname(path)
    dirs = [here] + search.get(part_of(path), [])
    for d in dirs:
        candidate = os.path.normpath(os.path.join(d, name))
        if os.path.exists(os.path.join(root, candidate)):
            return candidate
    return "<" + name + ">"


direct = {}
for f in files:
    with open(os.path.join(root, f), encoding="utf-8") as fh:
        direct[f] = [resolve(f, n) for n in INCLUDE.findall(fh.read())]


def closure(f):
    seen, todo, via = set(), [f], {}
    while todo:
        cur = todo.pop()
        for inc in direct.get(cur, []):
            if inc not in seen:
                seen.add(inc)
                via[inc] = cur
                todo.append(inc)
    return seen, via


def chain(via, start, end):
    steps = [end]
    while steps[-1] != start and steps[-1] in via:
        steps.append(via[steps[-1]])
    return " ← ".join(steps)


IMPORTERS = {"src/engine/data/" + n + ".h" for n in ("webcari", "cavi", "folder", "syncari")}
TOP_UI = {"src/ui/lab-window.h", "src/ui/lab-window-private.h", "src/ui/lab-application.h"}
GTK = re.compile(r"^<(gtk/|gdk/|adwaita\.h|gtk\.h)")

rules = [
    ("the engine includes no UI, CLI, plot or GTK header",
     lambda f: f.startswith("src/engine/"),
     lambda i: (i.startswith("src/") and not i.startswith("src/engine/")) or GTK.match(i)),
    ("the store (store.h and its files) includes nothing from nn/",
     lambda f: f.startswith("src/engine/store/"),
     lambda i: i.startswith("src/engine/nn/")),
    ("the store includes nothing from launch/ or train/",
     lambda f: f.startswith("src/engine/store/"),
     lambda i: i.startswith(("src/engine/launch/", "src/engine/train/"))),
    ("training (train/) includes no store, evaluation, launch or importer header",
     lambda f: f.startswith("src/engine/train/"),
     lambda i: i.startswith(("src/engine/store/", "src/engine/eval/", "src/engine/launch/"))
     or i in IMPORTERS),
    ("evaluation (eval/) includes no store, training or launch header",
     lambda f: f.startswith("src/engine/eval/"),
     lambda i: i.startswith(("src/engine/store/", "src/engine/train/", "src/engine/launch/"))),
    ("interop (interop/) includes no store, training, evaluation, data or launch header",
     lambda f: f.startswith("src/engine/interop/"),
     lambda i: i.startswith(("src/engine/store/", "src/engine/train/", "src/engine/eval/",
                             "src/engine/data/", "src/engine/launch/"))),
    ("the plot library includes no GTK and no UI header",
     lambda f: f.startswith("src/plot/"),
     lambda i: i.startswith(("src/ui/", "src/cli/", "src/report/")) or GTK.match(i)),
    ("the report library includes no GTK, UI or CLI header",
     lambda f: f.startswith("src/report/"),
     lambda i: i.startswith(("src/ui/", "src/cli/")) or GTK.match(i)),
    ("the CLI includes no GTK and no UI header",
     lambda f: f.startswith("src/cli/"),
     lambda i: i.startswith("src/ui/") or GTK.match(i)),
    ("widgets include no model, page, window, application or runner header",
     lambda f: f.startswith("src/ui/widgets/"),
     lambda i: i.startswith(("src/ui/models/", "src/ui/pages/"))
     or (i.startswith("src/ui/") and i.count("/") == 2 and i != "src/ui/lab-config.h")),
    ("models include no page, window or application header",
     lambda f: f.startswith("src/ui/models/"),
     lambda i: i.startswith("src/ui/pages/") or i in TOP_UI),
    ("pages reach the window only through actions: no window or application header",
     lambda f: f.startswith("src/ui/pages/"),
     lambda i: i in TOP_UI),
    ("only the window and the application include the window's header",
     lambda f: f.startswith("src/ui/") and not os.path.basename(f).startswith(("lab-window", "lab-application")),
     lambda i: i in ("src/ui/lab-window.h", "src/ui/lab-window-private.h")),
]

status = 0
for n, (name, applies, forbidden) in enumerate(rules, 1):
    bad = []
    for f in files:
        if not applies(f):
            continue
        seen, via = closure(f)
        for inc in sorted(seen):
            if forbidden(inc):
                bad.append(chain(via, f, inc))
    if bad:
        status = 1
        print(f"not ok {n} - {name}")
        for b in bad[:20]:
            print(f"#   {b}")
    else:
        print(f"ok {n} - {name}")
print(f"1..{len(rules)}")
sys.exit(status)
