#!/usr/bin/python3
"""The card holder's page (verify.html) in a real browser: Debian's chromium, headless,
driven by chromium-driver through python3-selenium.

    /usr/bin/python3 Web/test/browser_test.py --bin .build/debug [--random 50]
        [--screenshot Docs/images/verify-page.png] [--measure .build/web/measure.json]

What it checks, in one browser and one page load (file://, as a holder opens it):
  - the page's own SHA-256, as it shows it, equals the file's;
  - the parts' known answers (Web/test/unit.js: RIPEMD-160, Base58, scrypt RFC 7914, AES-256
    FIPS-197, the card passphrase rule), and the shared vectors of that rule
    (Tests/TestSupport/Vectors/card-passphrase-forms.json) when the file is there;
  - every spec vector and deterministic vector (Tests/TestSupport/Vectors): decrypt, and confirm
    where a confirmation code is given;
  - --random keys made by `bip38 intermediate` + `bip38 generate` (EC-multiply) and `bip38
    encrypt` (non-EC), both networks, compressed or not, with and without lot/sequence, each
    decrypted in the page and compared field by field with `bip38 decrypt --json`; card
    passphrases typed loosely open by their canonical form;
  - wrong passphrases and malformed codes are refused with an Error, never a key;
  - the forms: decrypt and verify through the page's own inputs and buttons;
  - the request log (DevTools' Network domain): no request but the page's file and the
    blob: URL of its workers; and a fetch the script tries is refused by the page's CSP.
--measure times one decrypt in the page against `bip38 decrypt` on the same key in this run.
Exit status 0 when every check passes; 1 with one line per failure.
"""

import argparse
import base64
import concurrent.futures
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VECTORS = os.path.join(ROOT, "Tests", "TestSupport", "Vectors")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
failures = []


def offline():
    """Re-runs this script in a network namespace of its own (only loopback, for chromedriver)
    when it can (root, with unshare): the page then runs with the network truly off. Returns
    a line saying which."""
    if os.environ.get("VERIFY_PAGE_NETNS") == "1":
        return "network: off (a network namespace with loopback only)"
    if os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip"):
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            os.environ["VERIFY_PAGE_NETNS"] = "1"
            os.execvp("unshare", ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"',
                                  sys.executable, os.path.abspath(sys.argv[0]), *sys.argv[1:]])
    return "network: on (no network namespace: not root, or no unshare); the request log still checks"


def check(name, ok, detail=""):
    if not ok:
        failures.append(f"{name}: {detail}")


def log(text):
    print(f"browser-test: {text}", flush=True)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=900,1400",
                 "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-default-apps"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_script_timeout(900)
    return driver


def call(driver, expression, *args):
    """Runs `expression` (a promise, with `args` as arguments) in the page; returns its value or {error}."""
    script = (
        "const done = arguments[arguments.length - 1];"
        f"Promise.resolve().then(() => {expression})"
        ".then((value) => done({ value }), (error) => done({ error: String(error && error.message), "
        "isError: error instanceof Error }));"
    )
    return driver.execute_async_script(script, *args)


def run_all(driver, jobs):
    """Runs [(kind, code, passphrase)] concurrently in the page (kind: decrypt or confirm)."""
    return driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        const started = performance.now();
        Promise.all(arguments[0].map(([kind, code, passphrase]) =>
          window.bip38[kind](code, passphrase).then(
            (value) => ({ value }), (error) => ({ error: String(error && error.message), isError: error instanceof Error }))))
          .then((results) => done({ results, seconds: (performance.now() - started) / 1000 }));""",
        jobs,
    )


def bip38(bin_dir, args, stdin=None):
    result = subprocess.run([os.path.join(bin_dir, "bip38"), *args, "--json"], input=stdin, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"browser-test: bip38 {' '.join(args)} failed: {result.stderr.strip()}")
    return json.loads(result.stdout)


def card_passphrase(rng):
    text = "".join(rng.choice(CROCKFORD) for _ in range(20))
    return "-".join(text[i:i + 4] for i in range(0, 20, 4))


def loosely(passphrase, rng):
    """A card passphrase as a holder might type it: lower case, spaces for dashes, O for 0, L for 1."""
    text = passphrase.replace("-", rng.choice(["", " ", "  "])).lower()
    return text.replace("0", "o").replace("1", "l")


def random_key(bin_dir, i, seed):
    """Key `i` of the run: (encrypted key, passphrase as typed, expected form, bip38 decrypt's answer)."""
    rng = random.Random(f"{seed}/{i}")
    network = "testnet" if i % 5 == 4 else "mainnet"
    compressed = i % 2 == 0
    card = i % 3 != 2
    passphrase = card_passphrase(rng) if card else "".join(
        rng.choice("abcdefghijkmnopqrstuvwxyzÄéß 0123456789") for _ in range(rng.randint(1, 24)))
    with tempfile.TemporaryDirectory() as folder:
        pass_file = os.path.join(folder, "pass")
        key_file = os.path.join(folder, "key")
        with open(pass_file, "w", encoding="utf-8") as f:
            f.write(passphrase)
        if i % 2 == 1 or i % 4 == 0:
            lot = ["--lot", str(rng.randint(0, 1048575)), "--sequence", str(rng.randint(0, 4095))] if i % 4 < 2 else []
            intermediate = bip38(bin_dir, ["intermediate", "--passphrase-file", pass_file, *lot])
            made = bip38(bin_dir, ["generate", intermediate["intermediate_code"], "--network", network]
                         + (["--compressed"] if compressed else []))
        else:
            with open(key_file, "w") as f:
                f.write(rng.randbytes(32).hex())
            made = bip38(bin_dir, ["encrypt", "--key-file", key_file, "--passphrase-file", pass_file,
                                   "--network", network] + (["--compressed"] if compressed else []))
        expected = bip38(bin_dir, ["decrypt", made["encrypted_key"], "--passphrase-file", pass_file,
                                   "--network", network])
    expected["network"] = network
    typed, form = (loosely(passphrase, rng), "canonical") if card and i % 4 == 3 else (passphrase, "exact")
    return made["encrypted_key"], typed, form, expected


def random_keys(bin_dir, count, seed):
    """`count` keys from the bip38 tool, made two at a time per core."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=2 * (os.cpu_count() or 1)) as pool:
        return list(pool.map(lambda i: random_key(bin_dir, i, seed), range(count)))


def base58check(payload):
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    number, text = int.from_bytes(data, "big"), ""
    while number:
        number, digit = divmod(number, 58)
        text = alphabet[digit] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


def malformed_codes(spec):
    """(kind, text, words the error must contain): none of these may cost a scrypt."""
    key = spec[0]["encrypted_key"]
    code = spec[7]["confirmation_code"]
    good = key[:-1] + ("a" if key[-1] != "a" else "b")
    non_ec = bytes([0x01, 0x42, 0xC0]) + bytes(36)
    return [
        ("decrypt", "", "empty"),
        ("decrypt", good, "checksum"),
        ("decrypt", key[:20] + "0" + key[21:], "not Base58"),
        ("decrypt", key[:-3], "not valid"),
        ("decrypt", spec[0]["unencrypted_wif"], "not valid"),
        ("decrypt", "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", "not valid"),
        ("decrypt", code, "not valid"),
        ("decrypt", base58check(non_ec[:2] + bytes([0xC1]) + non_ec[3:]), "flag byte"),
        ("decrypt", base58check(bytes([0x01, 0x43, 0x80]) + bytes(36)), "flag byte"),
        ("decrypt", base58check(non_ec + b"\0"), "not valid"),
        ("confirm", key, "not valid"),
        ("confirm", code[:-1], "not valid"),
        ("confirm", base58check(bytes([0x64, 0x3B, 0xF6, 0xA8, 0x9A, 0x01]) + bytes(45)), "flag byte"),
    ]


def compare(name, got, want, fields):
    for field in fields:
        check(f"{name} {field}", got.get(field) == want.get(field), f"page {got.get(field)!r}, expected {want.get(field)!r}")


def requests_made(driver, page_url):
    """Every request in the performance log that is neither the page's file nor a blob: of its own."""
    others = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method = message.get("method", "")
        if method in ("Network.requestWillBeSent", "Network.webSocketCreated", "Network.webTransportCreated"):
            url = message["params"].get("request", {}).get("url") or message["params"].get("url", "")
            if url != page_url and not url.startswith("blob:"):
                others.append(f"{method} {url}")
    return others


def browser_cpu_seconds(driver):
    """CPU time (user + system) so far of every process under chromedriver: the browser, its renderer, its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                parents[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
            except OSError:
                continue
    root = driver.service.process.pid
    def under(pid):
        while pid in parents and pid != root:
            pid = parents[pid][0]
        return pid == root
    return sum(cpu for pid, (_, cpu) in parents.items() if under(pid)) / ticks


def measure(driver, bin_dir, spec, runs=5):
    """Page decrypt vs `bip38 decrypt` (whole process) on the same key: wall time and CPU time, medians of `runs`."""
    vector = spec[3]  # non-EC compressed: one heavy scrypt in both
    with tempfile.NamedTemporaryFile("w", delete=False) as f:
        f.write(vector["passphrase"])
    native, page, native_cpu, page_cpu = [], [], [], []
    try:
        for _ in range(runs):
            before = os.times()
            started = time.perf_counter()
            bip38(bin_dir, ["decrypt", vector["encrypted_key"], "--passphrase-file", f.name])
            native.append(time.perf_counter() - started)
            after = os.times()
            native_cpu.append(after.children_user - before.children_user + after.children_system - before.children_system)
            cpu = browser_cpu_seconds(driver)
            result = run_all(driver, [["decrypt", vector["encrypted_key"], vector["passphrase"]]])
            page_cpu.append(browser_cpu_seconds(driver) - cpu)
            page.append(result["seconds"])
    finally:
        os.unlink(f.name)
    median = lambda values: sorted(values)[len(values) // 2]
    return {"key": vector["id"], "native_s": median(native), "page_s": median(page), "ratio": median(page) / median(native),
            "native_cpu_s": median(native_cpu), "page_cpu_s": median(page_cpu),
            "cpu_ratio": median(page_cpu) / median(native_cpu), "native_all": native, "page_all": page,
            "native_cpu_all": native_cpu, "page_cpu_all": page_cpu,
            "lanes": call(driver, "window.bip38.lanes()")["value"], "cores": os.cpu_count(),
            "load_1min": os.getloadavg()[0]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True, help="folder of the built bip38")
    parser.add_argument("--page", help="the page (default: a fresh build of Web/src)")
    parser.add_argument("--random", type=int, default=50)
    parser.add_argument("--seed", type=int, default=38)
    parser.add_argument("--screenshot")
    parser.add_argument("--measure", help="time the page against bip38 decrypt; write the figures (JSON) here")
    options = parser.parse_args()
    log(offline())

    folder = tempfile.mkdtemp(prefix="verify-page-")
    page = options.page
    if page is None:
        page = os.path.join(folder, "verify.html")
        subprocess.run([sys.executable, os.path.join(ROOT, "Web", "build.py"), "--out", page, "--no-swift"], check=True,
                       stdout=subprocess.DEVNULL)
    with open(page, "rb") as f:
        page_bytes = f.read()
    with open(os.path.join(VECTORS, "spec-vectors.json"), encoding="utf-8") as f:
        spec = json.load(f)
    with open(os.path.join(VECTORS, "deterministic-vectors.json"), encoding="utf-8") as f:
        deterministic = json.load(f)
    started = time.perf_counter()
    keys = random_keys(options.bin, options.random, options.seed)
    log(f"{len(keys)} random keys from bip38 in {time.perf_counter() - started:.1f} s")

    driver = browser()
    try:
        url = "file://" + os.path.abspath(page)
        started = time.perf_counter()
        driver.get(url)
        WebDriverWait(driver, 120).until(lambda d: d.execute_script("return document.body.dataset.ready") == "yes")
        shown = driver.find_element(By.ID, "page-sha256").text
        check("page SHA-256", shown == hashlib.sha256(page_bytes).hexdigest(),
              f"page shows {shown}, file is {hashlib.sha256(page_bytes).hexdigest()}")
        log(f"page loaded; {call(driver, 'window.bip38.lanes()')['value']} worker(s); SHA-256 {shown}")

        with open(os.path.join(HERE, "unit.js"), encoding="utf-8") as f:
            unit = f.read()
        result = driver.execute_async_script(
            unit + "\nconst done = arguments[arguments.length - 1];"
            "verifyPageUnitTests().then(done, (e) => done(['unit tests threw: ' + e.message]));")
        for failure in result:
            failures.append("unit: " + failure)
        log(f"unit known answers: {len(result)} failure(s)")
        forms_file = os.path.join(VECTORS, "card-passphrase-forms.json")
        if os.path.exists(forms_file):  # the vectors of the shared rule, also read by the Swift tests
            with open(forms_file, encoding="utf-8") as f:
                forms = json.load(f)["vectors"]
            got = driver.execute_script(
                "return arguments[0].map((text) => window.bip38.canonicalCardPassphrase(text))",
                [v["input"] for v in forms])
            for vector, canonical in zip(forms, got):
                check(f"card passphrase form {vector['name']!r}", canonical == vector["canonical"],
                      f"page {canonical!r}, vector {vector['canonical']!r}")
            log(f"{len(forms)} card passphrase form vectors ({os.path.basename(forms_file)})")

        # Every vector, and every random key, at once: the page's worker pool runs the lanes
        # of all of them on every core.
        jobs, expectations = [], []
        for vector in spec + deterministic:
            want_wif = vector.get("unencrypted_wif")
            jobs.append(["decrypt", vector["encrypted_key"], vector["passphrase"]])
            expectations.append((vector["id"] + " decrypt", vector, "exact"))
            if vector.get("confirmation_code"):
                jobs.append(["confirm", vector["confirmation_code"], vector["passphrase"]])
                expectations.append((vector["id"] + " confirm", vector, "exact"))
        # A code typed over several lines, as the card prints it (20 characters a line).
        spaced = spec[4]["encrypted_key"]
        jobs.append(["decrypt", " " + "\n ".join(spaced[i:i + 20] for i in range(0, len(spaced), 20)) + "\n",
                     spec[4]["passphrase"]])
        expectations.append((spec[4]["id"] + " decrypt, the code over three lines", spec[4], "exact"))
        for i, (key, typed, form, expected) in enumerate(keys):
            jobs.append(["decrypt", key, typed])
            expectations.append((f"random key {i + 1} ({key})", expected, form))
        wrong = [
            ["decrypt", spec[0]["encrypted_key"], spec[1]["passphrase"], "non-EC"],
            ["decrypt", spec[5]["encrypted_key"], "Satoshi", "EC"],
            ["decrypt", spec[7]["encrypted_key"], spec[7]["passphrase"] + " ", "EC lot/sequence"],
            ["confirm", spec[7]["confirmation_code"], spec[8]["passphrase"], "confirmation"],
            ["decrypt", keys[0][0], keys[0][1].replace("-", "")[:-1] + ("0" if keys[0][1][-1] != "0" else "1"),
             "card form, one character off"],
        ]
        jobs.extend(job[:3] for job in wrong)
        outcome = run_all(driver, jobs)
        log(f"{len(jobs)} decrypt/confirm calls ({len(spec) + len(deterministic)} vectors, {len(keys)} random keys, "
            f"{len(wrong)} wrong passphrases) in {outcome['seconds']:.1f} s in the page")
        results = outcome["results"]
        for (name, want, form), got in zip(expectations, results[:len(expectations)]):
            if "error" in got:
                failures.append(f"{name}: refused: {got['error']}")
                continue
            value = got["value"]
            if name.endswith(" confirm"):
                check(name, value["address"] == want["bitcoin_address"], f"address {value['address']}")
                check(name + " lot/sequence", (value["lot"], value["sequence"]) == (want["lot"], want["sequence"]),
                      f"{value['lot']}/{value['sequence']}")
            elif "private_key_hex" in want:  # a random key: bip38 decrypt's answer
                compare(name, value, want, ["address", "wif", "private_key_hex", "compressed", "lot", "sequence"])
                check(name + " network", value["network"] == want["network"], value["network"])
            else:
                if want.get("unencrypted_wif"):
                    check(name + " wif", value["wif"] == want["unencrypted_wif"], value["wif"])
                if want.get("unencrypted_hex"):
                    check(name + " key", value["private_key_hex"] == want["unencrypted_hex"].lower(),
                          value["private_key_hex"])
                if want.get("bitcoin_address"):
                    check(name + " address", value["address"] == want["bitcoin_address"], value["address"])
                check(name + " compressed", value["compressed"] == want["compressed"], value["compressed"])
                check(name + " lot/sequence", (value["lot"], value["sequence"]) == (want["lot"], want["sequence"]),
                      f"{value['lot']}/{value['sequence']}")
            check(name + " passphrase_form", value["passphrase_form"] == form, value["passphrase_form"])
        for job, got in zip(wrong, results[len(expectations):]):
            check(f"wrong passphrase ({job[3]})", got.get("isError") and "wrong passphrase" in got.get("error", ""),
                  f"got {got}")

        malformed = malformed_codes(spec)
        calls_before = driver.execute_script("return window.bip38.internals.scryptCalls()")
        outcome = run_all(driver, [[kind, text, "TestingOneTwoThree"] for kind, text, _ in malformed])
        for (kind, text, words), got in zip(malformed, outcome["results"]):
            check(f"malformed {kind} {text!r}", got.get("isError") and words in got.get("error", ""), f"got {got}")
        calls = driver.execute_script("return window.bip38.internals.scryptCalls()") - calls_before
        check("malformed codes cost no scrypt", calls == 0, f"{calls} scrypt call(s)")
        log(f"{len(malformed)} malformed codes refused in {outcome['seconds']:.2f} s")

        check_forms(driver, spec, keys)
        if options.screenshot:
            driver.execute_script("window.scrollTo(0, 0)")
            driver.save_screenshot(options.screenshot)
            log(f"screenshot: {options.screenshot}")
        if options.measure:
            figures = measure(driver, options.bin, spec)
            with open(options.measure, "w") as f:
                json.dump(figures, f, indent=1)
            log(f"decrypt {figures['key']}: page {figures['page_s']:.3f} s, bip38 {figures['native_s']:.3f} s, "
                f"ratio {figures['ratio']:.2f}; CPU page {figures['page_cpu_s']:.3f} s, bip38 "
                f"{figures['native_cpu_s']:.3f} s, ratio {figures['cpu_ratio']:.2f} "
                f"({figures['lanes']} workers, load {figures['load_1min']:.1f})")

        others = requests_made(driver, url)
        check("no network request", not others, "; ".join(others[:5]))
        probe = call(driver, "fetch('http://127.0.0.1:9/verify-page-probe').then(() => 'fetched')")
        check("the CSP refuses a fetch", "error" in probe, f"got {probe}")
        log(f"request log: {len(others)} request(s) beyond the page's file and its workers' blob:")
        console = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "verify-page-probe" not in
                   e["message"] and "127.0.0.1:9" not in e["message"]]
        check("no console error", not console, "; ".join(e["message"] for e in console[:3]))
        log(f"all in {time.perf_counter() - started:.1f} s")
    finally:
        driver.quit()
    for failure in failures:
        print(f"browser-test: FAIL {failure}")
    print(f"browser-test: {'PASS' if not failures else 'FAIL'} ({len(failures)} failure(s))")
    return 1 if failures else 0


def check_forms(driver, spec, keys):
    """The two forms through their inputs and buttons, as a holder uses them."""
    def fill(prefix, code, passphrase):
        for name, value in (("code", code), ("passphrase", passphrase)):
            field = driver.find_element(By.ID, f"{prefix}-{name}")
            field.clear()
            field.send_keys(value)
        driver.find_element(By.ID, f"{prefix}-run").click()
        WebDriverWait(driver, 300).until(
            lambda d: d.find_element(By.ID, f"{prefix}-result").is_displayed()
            or d.find_element(By.ID, f"{prefix}-error").is_displayed())

    def table(prefix):
        rows = driver.find_elements(By.CSS_SELECTOR, f"#{prefix}-table tr")
        return {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text for row in rows}

    driver.find_element(By.ID, "tab-verify").click()
    vector = spec[7]
    fill("verify", vector["confirmation_code"], vector["passphrase"] + "x")
    check("form: verify, wrong passphrase", "wrong passphrase" in driver.find_element(By.ID, "verify-error").text,
          driver.find_element(By.ID, "verify-error").text)
    check("form: verify, no address shown", not driver.find_element(By.ID, "verify-result").is_displayed())
    fill("verify", vector["confirmation_code"], vector["passphrase"])
    rows = table("verify")
    check("form: verify address", rows.get("address") == vector["bitcoin_address"], rows)
    check("form: verify lot", rows.get("lot") == str(vector["lot"]), rows)

    driver.find_element(By.ID, "tab-decrypt").click()
    key, typed, _, expected = next(k for k in keys if k[2] == "canonical")
    fill("decrypt", key, typed)
    rows = table("decrypt")
    check("form: decrypt WIF", rows.get("WIF") == expected["wif"], rows)
    check("form: decrypt address", rows.get("address") == expected["address"], rows)
    status = driver.find_element(By.ID, "decrypt-status").text
    check("form: decrypt says the card form matched", "card form" in status, status)
    qr = driver.execute_script("const c = document.getElementById('decrypt-qr'); return [c.width, c.height];")
    check("form: QR code drawn", qr[0] > 100 and qr[0] == qr[1], qr)
    png = driver.execute_script("return document.getElementById('decrypt-qr').toDataURL('image/png')")
    with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as f:
        f.write(base64.b64decode(png.split(",", 1)[1]))
    try:
        scanned = subprocess.run(["zbarimg", "--quiet", "--raw", f.name], capture_output=True, text=True).stdout.strip()
    finally:
        os.unlink(f.name)
    check("form: the QR code scans to the WIF (zbarimg)", scanned == expected["wif"], scanned)


if __name__ == "__main__":
    sys.exit(main())
