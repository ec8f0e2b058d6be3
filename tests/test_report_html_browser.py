"""HTML report in a real headless Chromium: it loads cleanly, nothing hostile runs, the filters work.

Needs selenium plus Debian's `chromium` and `chromium-driver`. Where they are missing, a
session fixture installs them with apt-get, but only as root and only in CI (`CI` set) or when
`APEXLINT_INSTALL_BROWSER=1`; otherwise the tests skip and say why. `scripts/install-browser.sh`
does the same install by hand. A full-page screenshot is written to `artifacts/report.png` (and
the printed form to `artifacts/report.pdf`) for the CI job to keep.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from apexlint.report import REPORTERS
from tests.test_report_html import OPTIONS, TEMPLATE, XSS, rules, sample_result

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "artifacts"
APT_PACKAGES = ("chromium", "chromium-driver")
FLAGS = (
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--window-size=1280,900",
)


def _browser_paths() -> tuple[str | None, str | None]:
    return (shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver"))


def _may_install() -> bool:
    """apt-get only where it is ours to run: as root, in CI or when explicitly asked."""
    asked = bool(os.environ.get("CI")) or os.environ.get("APEXLINT_INSTALL_BROWSER") == "1"
    return asked and hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def _apt_install() -> str | None:
    """Install the browser; returns why it failed, or None."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *APT_PACKAGES]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="session")
def browser_paths() -> tuple[str, str]:
    """Chromium and chromedriver, installed here when allowed; otherwise a skip that says what to do."""
    pytest.importorskip("selenium", reason="selenium is not installed (pip install 'apexlint[test]')")
    chromium, driver = _browser_paths()
    if chromium is None or driver is None:
        if not _may_install():
            pytest.skip("chromium/chromedriver not found and not installable here: run "
                        "scripts/install-browser.sh as root, or set APEXLINT_INSTALL_BROWSER=1 (as root)")
        problem = _apt_install()
        chromium, driver = _browser_paths()
        if chromium is None or driver is None:
            pytest.skip(f"could not install {' and '.join(APT_PACKAGES)}: {problem or 'binaries still missing'}")
    return chromium, driver


@pytest.fixture(scope="module")
def report_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("report") / "report.html"
    buf = io.StringIO()
    REPORTERS["html"].render(sample_result(), rules(), buf, OPTIONS)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def driver(browser_paths: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, chromedriver = browser_paths
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.unhandled_prompt_behavior = "ignore"  # an alert must stay open for the test to see it
    browser = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    browser.set_page_load_timeout(15)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture()
def page(driver: WebDriver, report_url: str) -> WebDriver:
    driver.get(report_url)
    return driver


def _visible_findings(driver: WebDriver) -> list[tuple[str, str, str]]:
    from selenium.webdriver.common.by import By

    cards = driver.find_elements(By.CSS_SELECTOR, "[data-finding]")
    return [(c.get_attribute("data-rule") or "", c.get_attribute("data-level") or "", c.text)
            for c in cards if c.is_displayed()]


def _select(driver: WebDriver, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, element_id)).select_by_value(value)


def test_page_loads_without_console_errors_or_dialogs(page: WebDriver) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.by import By

    assert page.title == "apexlint report: acme-billing"
    severe = [entry for entry in page.get_log("browser") if entry.get("level") == "SEVERE"]
    assert severe == []
    with pytest.raises(NoAlertPresentException):
        page.switch_to.alert.text  # noqa: B018 - reading it is what raises
    body = page.find_element(By.TAG_NAME, "body").text
    assert XSS in body and TEMPLATE in body
    assert "js" in (page.find_element(By.TAG_NAME, "html").get_attribute("class") or "")


def test_rule_filter_shows_only_that_rule(page: WebDriver) -> None:
    everything = _visible_findings(page)
    assert len(everything) == 7
    _select(page, "filter-rule", "SID002")
    shown = _visible_findings(page)
    assert {rule for rule, _, _ in shown} == {"SID002"} and len(shown) == 3
    from selenium.webdriver.common.by import By

    assert page.find_element(By.ID, "filter-count").text == "3 of 7 findings"
    assert not page.find_element(By.ID, "rule-SID003").is_displayed()


def test_level_filter_shows_only_that_level(page: WebDriver) -> None:
    _select(page, "filter-level", "warning")
    assert [(rule, level) for rule, level, _ in _visible_findings(page)] == [("SID011", "warning")]


def test_file_filter_and_text_search_narrow_the_list(page: WebDriver) -> None:
    from selenium.webdriver.common.by import By

    _select(page, "filter-file", "classes/BillingSync.cls")
    assert {rule for rule, _, _ in _visible_findings(page)} == {"SID002", "SID003"}
    search = page.find_element(By.ID, "filter-text")
    search.send_keys("system.DEBUG")
    assert [rule for rule, _, _ in _visible_findings(page)] == ["SID003"]
    page.find_element(By.ID, "filter-reset").click()
    search.send_keys("heroku")
    [(rule, _, text)] = _visible_findings(page)
    assert rule == "SID002" and "partner is our own Heroku app" in text
    search.clear()
    search.send_keys("no such text anywhere")
    assert _visible_findings(page) == []
    empty = page.find_elements(By.CSS_SELECTOR, "[data-empty]")
    assert all(note.is_displayed() for note in empty)


def test_print_layout_expands_help_and_hides_filters(page: WebDriver) -> None:
    from selenium.webdriver.common.by import By

    _select(page, "filter-rule", "SID003")
    page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not page.find_element(By.ID, "filters").is_displayed()
        assert len(_visible_findings(page)) == 7
        # Selenium's visibility check treats a closed <details> as hiding its content whatever the
        # CSS says, so ask the layout: the recommended alternative takes up space when printed.
        height = page.execute_script(
            "return document.querySelector('#rule-SID002 .help-alternative .help-body')"
            ".getBoundingClientRect().height")
        assert height > 50
    finally:
        page.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / "report.pdf"
    pdf.write_bytes(base64.b64decode(page.print_page()))
    print(f"printed report: {pdf}")


def test_screenshot_is_saved_for_ci_artifacts(page: WebDriver) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    height = int(page.execute_script("return document.documentElement.scrollHeight"))
    page.set_window_size(1280, min(max(height, 900), 12000))
    target = ARTIFACTS / "report.png"
    assert page.save_screenshot(str(target))
    assert target.stat().st_size > 10_000
    page.set_window_size(1280, 900)
    print(f"screenshot: {target}")
