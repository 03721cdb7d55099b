#!/usr/bin/env python3
"""Builds verify.html, the card holder's offline page, as one self-contained file.

    python3 Web/build.py           write Sources/Printing/VerifyPageHTML.swift (the page, for card-print)
    python3 Web/build.py --out F   also write the page itself to F (--no-swift: only the page)
    python3 Web/build.py --check   exit 1 if the committed Swift file differs from a fresh build

Sources: Web/src/verify.html (the template), verify.css, and the scripts below, in order.
Bundled from Debian's packages (/usr/share/nodejs): node-elliptic and what it needs
(bn.js, hash.js, hmac-drbg, brorand, inherits, minimalistic-crypto-utils) and
node-qrcode-generator, each CommonJS module wrapped in a function under a tiny `require`.
Node's `assert` (which Debian's elliptic asks for) is replaced by a six-line shim with
minimalistic-assert's behaviour; `crypto`, `buffer` and `util`, which the libraries only try
inside try/catch for Node, resolve to a module that throws, so they take their browser paths.

The inline script and style are allowed by their SHA-256 in the page's Content-Security-Policy
(no 'unsafe-inline'); everything else, every fetch, image, font, frame or form target, is refused.
"""

import base64
import hashlib
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "Web", "src")
NODE = "/usr/share/nodejs"
SWIFT_OUT = os.path.join(ROOT, "Sources", "Printing", "VerifyPageHTML.swift")
OWN_SCRIPTS = ["bytes.js", "passphrase.js", "scrypt.js", "aes.js", "bip38.js", "ui.js"]
# What the page takes from the bundle, by module path.
ENTRIES = {
    "EC": "elliptic/lib/elliptic/ec/index.js",
    "BN": "bn.js/lib/bn.js",
    "hashRipemd": "hash.js/lib/hash/ripemd.js",
    "qrcodeGenerator": "qrcode-generator/qrcode.js",
}
SHIMS = {
    "assert": """function assert(value, message) { if (!value) throw new Error(message || 'Assertion failed'); }
assert.equal = function equal(l, r, message) { if (l != r) throw new Error(message || ('Assertion failed: ' + l + ' != ' + r)); };
module.exports = assert;""",
    "crypto": "throw new Error('no Node crypto in a browser');",
    "buffer": "throw new Error('no Node buffer in a browser');",
    "util": "throw new Error('no Node util in a browser');",
}
REQUIRE = re.compile(r"""require\(\s*['"]([^'"]+)['"]\s*\)""")


def package_main(name):
    folder = os.path.join(NODE, name)
    with open(os.path.join(folder, "package.json")) as f:
        main = json.load(f).get("main", "index.js")
    return resolve_file(os.path.join(folder, main))


def resolve_file(path):
    for candidate in (path, path + ".js", path + ".json", os.path.join(path, "index.js")):
        if os.path.isfile(candidate):
            return os.path.relpath(candidate, NODE)
    raise SystemExit(f"build.py: cannot resolve {path} (is Debian's node-elliptic / node-qrcode-generator installed?)")


def resolve(spec, from_module):
    if spec in SHIMS:
        return "shim:" + spec
    if spec.startswith("."):
        return resolve_file(os.path.normpath(os.path.join(NODE, os.path.dirname(from_module), spec)))
    parts = spec.split("/")
    name_length = 2 if spec.startswith("@") else 1
    name, rest = "/".join(parts[:name_length]), parts[name_length:]
    if rest:
        return resolve_file(os.path.join(NODE, name, *rest))
    return package_main(name)


def bundle():
    """The module table, as JavaScript, and the ids of every module in it."""
    modules, order, todo = {}, [], [(m, None) for m in ENTRIES.values()]
    while todo:
        module_id, _ = todo.pop(0)
        if module_id in modules:
            continue
        if module_id.startswith("shim:"):
            source, requires = SHIMS[module_id[5:]], {}
        else:
            with open(os.path.join(NODE, module_id), encoding="utf-8") as f:
                source = f.read()
            if module_id.endswith(".json"):
                source = "module.exports = " + source + ";"
            requires = {spec: resolve(spec, module_id) for spec in REQUIRE.findall(source)}
            todo.extend((dep, module_id) for dep in requires.values())
        modules[module_id] = (source, requires)
        order.append(module_id)
    parts = []
    for module_id in sorted(order):
        source, requires = modules[module_id]
        parts.append(
            f"// ---- {module_id}\n"
            f"defineModule({json.dumps(module_id)}, {json.dumps(requires, sort_keys=True)}, "
            f"function (module, exports, require) {{\n{source.rstrip()}\n}});\n"
        )
    return "".join(parts), order


def script():
    table, _ = bundle()
    prelude = """// Bundled from Debian's packages by Web/build.py: node-elliptic 6.5 and its dependencies,
// node-qrcode-generator. Each module keeps its own license (see /usr/share/doc/node-*/copyright).
var moduleTable = {};
function defineModule(id, requires, body) { moduleTable[id] = { requires: requires, body: body, module: null }; }
function requireModule(id) {
  var entry = moduleTable[id];
  if (entry.module === null) {
    entry.module = { exports: {} };
    var require = function (spec) { return requireModule(entry.requires[spec]); };
    entry.body.call(entry.module.exports, entry.module, entry.module.exports, require);
  }
  return entry.module.exports;
}
"""
    imports = "".join(f"var {name} = requireModule({json.dumps(path)});\n" for name, path in ENTRIES.items())
    own = []
    for name in OWN_SCRIPTS:
        with open(os.path.join(SRC, name), encoding="utf-8") as f:
            own.append(f"// ==== Web/src/{name}\n{f.read().rstrip()}\n")
    code = (
        "\n(function () {\n"
        + prelude
        + table
        + imports
        + "(function () {\n'use strict';\n"
        + "\n".join(own)
        + "})();\n})();\n"
    )
    for bad in ("</script", "<!--"):
        if bad in code.lower():
            raise SystemExit(f"build.py: the script contains {bad!r}, which would end or confuse the inline script")
    return code


def csp_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def page():
    with open(os.path.join(SRC, "verify.html"), encoding="utf-8") as f:
        template = f.read().rstrip("\n")
    with open(os.path.join(SRC, "verify.css"), encoding="utf-8") as f:
        style = "\n" + f.read().rstrip("\n") + "\n"
    code = script()
    csp = (
        "default-src 'none'; "
        f"script-src {csp_hash(code)}; "
        f"style-src {csp_hash(style)}; "
        "worker-src blob:; "
        "base-uri 'none'; form-action 'none'"
    )
    html = template.replace("{{CSP}}", csp).replace("{{STYLE}}", style).replace("{{SCRIPT}}", code)
    if "{{" in html.replace(code, ""):
        raise SystemExit("build.py: a placeholder of the template is left")
    return html


def swift_file(html):
    delimiter = "#" * 4
    if '"""' + delimiter in html or "\\" + delimiter in html:
        raise SystemExit("build.py: the page contains the Swift raw-string delimiter")
    return (
        "// swift-format-ignore-file\n"
        "// Generated by `make verify-page` (Web/build.py) from Web/src/: do not edit.\n"
        "// The card holder's offline page, written by `card-print assemble` into cards/verify.html.\n\n"
        "extension VerifyPage {\n"
        "    /// The page, as text (UTF-8 in the file).\n"
        f"    package static let html = {delimiter}\"\"\"\n{html}\n\"\"\"{delimiter}\n"
        "}\n"
    )


def main(argv):
    html = page()
    generated = swift_file(html)
    if "--check" in argv:
        with open(SWIFT_OUT, encoding="utf-8") as f:
            committed = f.read()
        if committed != generated:
            print(f"build.py: {os.path.relpath(SWIFT_OUT, ROOT)} is not a fresh build of Web/src: run make verify-page")
            return 1
        print(f"build.py: {os.path.relpath(SWIFT_OUT, ROOT)} is up to date (sha256 {hashlib.sha256(html.encode()).hexdigest()})")
        return 0
    if "--no-swift" not in argv:
        with open(SWIFT_OUT, "w", encoding="utf-8") as f:
            f.write(generated)
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
        with open(out, "w", encoding="utf-8") as f:
            f.write(html)
    print(f"build.py: wrote {os.path.relpath(SWIFT_OUT, ROOT)} ({len(html.encode())} bytes, sha256 {hashlib.sha256(html.encode()).hexdigest()})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
