#!/usr/bin/python3
"""A mock ceremony's own cards/verify.html, as a holder opens it: the file card-print assemble
wrote, opened from file:// with the network off, decrypts and verifies every card of the
ceremony through the page's forms, with the answers of `bip38 decrypt` and `bip38 confirm`.

    /usr/bin/python3 Web/test/ceremony_page_test.py --bin .build/debug --ceremony DIR --summary FILE

DIR is a ceremony made by Ceremony/run-ceremony.sh, FILE what it printed (for the SHA-256 of
its summary line "holder's page: ... (sha256 HEX)"). Exit 0 when all match, 1 otherwise.
"""

import argparse
import hashlib
import json
import os
import re
import sys
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser_test as bt  # noqa: E402


def cards(ceremony):
    """(serial, passphrase, encrypted key, confirmation code, address) of every card.

    The sites destroy their print spools (destroy-spools) before the run ends, so the cards are
    read from the mock audit's copy of them, mock-secrets/, when printed/ is gone."""
    labels, faces = {}, {}
    spools = os.path.join(ceremony, "printed")
    if not os.path.isdir(os.path.join(spools, "site-a")):
        spools = os.path.join(ceremony, "mock-secrets")
    site_a, site_b = os.path.join(spools, "site-a"), os.path.join(spools, "site-b")
    for name in sorted(os.listdir(site_a)):
        if name.endswith(".labels"):
            with open(os.path.join(site_a, name), encoding="utf-8") as f:
                for serial, passphrase in re.findall(r"serial: (\S+)\npassphrase: ([^\n]*)\n", f.read()):
                    labels[serial] = passphrase
    for name in sorted(os.listdir(site_b)):
        if name.endswith(".faces.json"):
            with open(os.path.join(site_b, name), encoding="utf-8") as f:
                for face in json.load(f):
                    faces[face["serial"]] = face
    return [(serial, labels[serial], face["encrypted_key"], face["confirmation_code"], face["address"])
            for serial, face in sorted(faces.items())]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--ceremony", required=True)
    parser.add_argument("--summary", required=True)
    options = parser.parse_args()
    bt.log(bt.offline())
    page = os.path.join(options.ceremony, "cards", "verify.html")
    with open(page, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(options.summary, encoding="utf-8") as f:
        summary = re.search(r"holder's page: +\S+ \(sha256 ([0-9a-f]{64})\)", f.read())
    bt.check("the summary prints the page's SHA-256", summary and summary.group(1) == digest,
             f"summary {summary and summary.group(1)}, file {digest}")
    made = cards(options.ceremony)
    bt.check("the ceremony has cards", len(made) > 0, "none found")
    driver = bt.browser()
    url = "file://" + os.path.abspath(page)
    try:
        driver.get(url)
        WebDriverWait(driver, 120).until(lambda d: d.execute_script("return document.body.dataset.ready") == "yes")
        shown = driver.find_element(By.ID, "page-sha256").text
        bt.check("the page shows the summary's SHA-256", shown == digest, f"page {shown}, file {digest}")
        with tempfile.NamedTemporaryFile("w", delete=False) as f:
            pass_file = f.name
        try:
            for serial, passphrase, key, code, address in made:
                with open(pass_file, "w", encoding="utf-8") as f:
                    f.write(passphrase)
                want = bt.bip38(options.bin, ["decrypt", key, "--passphrase-file", pass_file])
                confirmed = bt.bip38(options.bin, ["confirm", code, "--passphrase-file", pass_file])
                rows = form(driver, "decrypt", key, passphrase)
                for label, field in (("address", "address"), ("WIF", "wif"), ("private key (hex)", "private_key_hex")):
                    bt.check(f"card {serial} decrypt {label}", rows.get(label) == want[field],
                             f"page {rows.get(label)}, bip38 {want[field]}")
                bt.check(f"card {serial} address is the face's", rows.get("address") == address, rows.get("address"))
                rows = form(driver, "verify", code, passphrase)
                bt.check(f"card {serial} verify address", rows.get("address") == confirmed["address"] == address,
                         f"page {rows.get('address')}, bip38 {confirmed['address']}")
                bt.log(f"card {serial}: page and bip38 agree ({address})")
        finally:
            os.unlink(pass_file)
        others = bt.requests_made(driver, url)
        bt.check("no network request", not others, "; ".join(others[:5]))
    finally:
        driver.quit()
    for failure in bt.failures:
        print(f"browser-test: FAIL {failure}")
    print(f"browser-test: {'PASS' if not bt.failures else 'FAIL'} ceremony page, {len(made)} card(s)")
    return 1 if bt.failures else 0


def form(driver, prefix, code, passphrase):
    """Fills one form of the page, presses its button, waits, and returns its result table (or {})."""
    driver.find_element(By.ID, f"tab-{prefix}").click()
    for name, value in (("code", code), ("passphrase", passphrase)):
        field = driver.find_element(By.ID, f"{prefix}-{name}")
        field.clear()
        field.send_keys(value)
    driver.find_element(By.ID, f"{prefix}-run").click()
    WebDriverWait(driver, 300).until(
        lambda d: d.find_element(By.ID, f"{prefix}-result").is_displayed()
        or d.find_element(By.ID, f"{prefix}-error").is_displayed())
    if driver.find_element(By.ID, f"{prefix}-error").is_displayed():
        bt.failures.append(f"{prefix} {code}: {driver.find_element(By.ID, f'{prefix}-error').text}")
        return {}
    rows = driver.find_elements(By.CSS_SELECTOR, f"#{prefix}-table tr")
    return {row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text for row in rows}


if __name__ == "__main__":
    sys.exit(main())
